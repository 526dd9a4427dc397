using Guardrails.Policies.Authoring;

namespace Guardrails.Policies.Tests.Authoring;

/// <summary>A rule written against the authoring API only, with every kind of parameter a pack can bind.</summary>
[Rule("owner-label", Summary = "Objects name their owner.")]
public sealed class OwnerLabelRule : Rule
{
    private readonly OwnerLabelParameters _parameters;

    public OwnerLabelRule(OwnerLabelParameters parameters)
    {
        _parameters = parameters;
        Match = Match.Kinds([.. parameters.Kinds]);
    }

    public override Match Match { get; }

    public override void Check(RuleContext context)
    {
        var label = context.Object.Label(_parameters.Label);
        if (!label.IsPresent)
        {
            var others = string.Join(", ", context.Object.Labels.Keys);
            context.Report(label, $"{context.Object.Kind} {context.Object.Name} ({context.Object.Group}) has no {_parameters.Label} label; it has {others}", $"add metadata.labels.{_parameters.Label}");
        }
    }
}
