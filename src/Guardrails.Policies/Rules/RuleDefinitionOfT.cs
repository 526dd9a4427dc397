using FluentValidation;
using Guardrails.Policies.Authoring;
using Guardrails.Policies.Packs;

namespace Guardrails.Policies.Rules;

/// <summary>A rule definition with typed parameters, validated with FluentValidation when the pack loads.</summary>
public abstract class RuleDefinition<TParameters> : RuleDefinition
    where TParameters : class
{
    protected abstract IValidator<TParameters> Validator { get; }

    protected abstract TParameters Read(ParameterReader reader);

    protected abstract Rule Create(TParameters parameters);

    internal sealed override Rule? Bind(ParameterReader reader)
    {
        var parameters = Read(reader);
        reader.ReportUnknownKeys();
        if (reader.HasErrors)
        {
            return null;
        }

        foreach (var failure in Validator.Validate(parameters).Errors)
        {
            reader.Error(failure.PropertyName, failure.ErrorMessage);
        }

        return reader.HasErrors ? null : Create(parameters);
    }
}
