using FluentValidation;
using Guardrails.Policies.Authoring;
using Guardrails.Policies.Packs;

namespace Guardrails.Policies.Rules.QuotaFits;

public sealed class QuotaFitsDefinition : RuleDefinition<QuotaFitsParameters>
{
    public const string RuleId = "quota-fits";

    public override string Id => RuleId;

    public override string Summary => "A workload's total requests and limits, across all its pods, must fit what its namespace's ResourceQuotas have left.";

    protected override IValidator<QuotaFitsParameters> Validator { get; } = new QuotaFitsParametersValidator();

    protected override QuotaFitsParameters Read(ParameterReader reader) => new()
    {
        CountSurge = reader.Bool("countSurge") ?? true,
        WhenStateUnavailable = reader.String("whenStateUnavailable") ?? "Allow",
    };

    protected override Rule Create(QuotaFitsParameters parameters) => new QuotaFitsRule(parameters);
}
