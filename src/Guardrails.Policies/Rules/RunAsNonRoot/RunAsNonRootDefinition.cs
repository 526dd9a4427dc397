using FluentValidation;
using Guardrails.Policies.Authoring;
using Guardrails.Policies.Packs;

namespace Guardrails.Policies.Rules.RunAsNonRoot;

public sealed class RunAsNonRootDefinition : RuleDefinition<RunAsNonRootParameters>
{
    public const string RuleId = "run-as-non-root";

    public override string Id => RuleId;

    public override string Summary => "Containers, init containers and ephemeral containers must not run as root.";

    protected override IValidator<RunAsNonRootParameters> Validator { get; } = new RunAsNonRootParametersValidator();

    protected override RunAsNonRootParameters Read(ParameterReader reader) => new()
    {
        Require = reader.String("require") ?? "both",
        SetDefault = reader.Bool("setDefault") ?? false,
    };

    protected override Rule Create(RunAsNonRootParameters parameters) => new RunAsNonRootRule(parameters);
}
