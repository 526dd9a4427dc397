using System.Text.Json.Nodes;

namespace Examples.Rules;

/// <summary>
/// Metadata on any kind: every object names the team that owns it, so an alert, a cost report or a stuck rollout
/// has someone to ask. With <c>default</c> set, <c>/mutate</c> fills the label in where it is missing.
/// </summary>
[Rule("require-team-label", Summary = "Objects carry a team label (any kind the pack lists), optionally one of a known set.")]
public sealed class RequireTeamLabel : Rule
{
    private readonly Parameters _parameters;

    public RequireTeamLabel(Parameters parameters)
    {
        if (string.IsNullOrWhiteSpace(parameters.Label))
        {
            throw new ArgumentException("label must name a label key, for example team");
        }

        _parameters = parameters;
        Match = Match.Kinds([.. parameters.Kinds]);
    }

    public override Match Match { get; }

    public override bool Mutates => _parameters.Default is not null;

    public override void Check(RuleContext context)
    {
        var label = context.Object.Label(_parameters.Label);
        var what = $"{context.Object.Kind} {context.Object.Name}";
        if (!label.IsPresent || string.IsNullOrWhiteSpace(label.AsString()))
        {
            context.Report(label, $"{what} has no '{_parameters.Label}' label, so nobody owns it", $"add metadata.labels.{_parameters.Label}: <your team> (for example {_parameters.AllowedTeams.FirstOrDefault() ?? "team-a"})");
            return;
        }

        if (_parameters.AllowedTeams.Count > 0 && !_parameters.AllowedTeams.Contains(label.AsString()!))
        {
            context.Report(label, $"{what} names team '{label.AsString()}', which is not a known team", $"use one of: {string.Join(", ", _parameters.AllowedTeams)}");
        }
    }

    public override void Mutate(RuleContext context, PatchBuilder patch)
    {
        var labels = context.Object.Metadata["labels"];
        if (labels[_parameters.Label].IsPresent)
        {
            return;
        }

        if (labels.IsObject)
        {
            patch.Add(labels[_parameters.Label].Pointer, JsonValue.Create(_parameters.Default));
        }
        else
        {
            patch.Add(labels.Pointer, new JsonObject { [_parameters.Label] = _parameters.Default });
        }
    }

    public sealed record Parameters
    {
        /// <summary>The label key.</summary>
        public string Label { get; init; } = "team";

        /// <summary>Which kinds must carry it: Kind, group/Kind, or a CRD as group/Kind.</summary>
        public IReadOnlyList<string> Kinds { get; init; } = ["apps/Deployment", "apps/StatefulSet", "apps/DaemonSet", "batch/CronJob", "Service"];

        /// <summary>When not empty, the label's value must be one of these.</summary>
        public IReadOnlyList<string> AllowedTeams { get; init; } = [];

        /// <summary>When set, <c>/mutate</c> adds the label with this value where it is missing.</summary>
        public string? Default { get; init; }
    }
}
