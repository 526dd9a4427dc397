using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Guardrails.Policies.Authoring;
using Guardrails.Policies.Packs;

namespace Guardrails.Policies.Rules;

/// <summary>
/// The definition of a rule class written against the authoring API alone (a rule file): the id and summary come
/// from its <see cref="RuleAttribute"/>, the parameters record from its constructor, bound by <see cref="ParameterBinder"/>.
/// </summary>
internal sealed class RuleTypeDefinition : RuleDefinition
{
    private readonly ConstructorInfo _constructor;
    private readonly Type? _parametersType;

    private RuleTypeDefinition(string id, string summary, ConstructorInfo constructor, Type? parametersType)
    {
        Id = id;
        Summary = summary;
        _constructor = constructor;
        _parametersType = parametersType;
    }

    public override string Id { get; }

    public override string Summary { get; }

    /// <summary>A definition for a rule class, or why the class cannot be one.</summary>
    public static RuleTypeDefinition? TryCreate(
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type type,
        out string? problem)
    {
        problem = null;
        if (type.GetCustomAttribute<RuleAttribute>() is not { } attribute)
        {
            problem = $"rule class {type.Name} has no [Rule(\"id\")] attribute";
            return null;
        }

        if (!RuleIds.IsValid(attribute.Id))
        {
            problem = $"rule id '{attribute.Id}' of {type.Name} is not kebab-case (lowercase letters, digits and '-', for example require-team-label)";
            return null;
        }

        var constructors = type.GetConstructors();
        if (type.IsAbstract || constructors.Length != 1 || constructors[0].GetParameters().Length > 1)
        {
            problem = $"rule class {type.Name} must be concrete with one public constructor taking nothing or its parameters record";
            return null;
        }

        var parameters = constructors[0].GetParameters();
        return new RuleTypeDefinition(attribute.Id, attribute.Summary, constructors[0], parameters.Length == 1 ? parameters[0].ParameterType : null);
    }

    [UnconditionalSuppressMessage("Trimming", "IL2077", Justification = "Rule files are compiled at run time; their parameter types are never trimmed.")]
    internal override Rule? Bind(ParameterReader reader)
    {
        object? parameters = null;
        if (_parametersType is not null)
        {
            parameters = ParameterBinder.Bind(_parametersType, reader);
            reader.ReportUnknownKeys();
            if (parameters is null || reader.HasErrors)
            {
                return null;
            }
        }
        else
        {
            reader.ReportUnknownKeys();
            if (reader.HasErrors)
            {
                return null;
            }
        }

        // The constructor is rule code: it runs under a budget too, and may refuse its parameters by throwing.
        var previous = RuleBudget.Start(TimeSpan.FromSeconds(1));
        try
        {
            return (Rule)_constructor.Invoke(parameters is null ? [] : [parameters]);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            reader.RuleError(ex.InnerException is RuleBudgetExceededException
                ? $"the rule's constructor {ex.InnerException.Message}"
                : $"refused by the rule: {ex.InnerException.Message}");
            return null;
        }
        finally
        {
            RuleBudget.Restore(previous);
        }
    }
}
