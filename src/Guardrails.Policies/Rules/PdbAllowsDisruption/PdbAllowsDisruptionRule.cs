using Guardrails.Policies.Authoring;
using Guardrails.Policies.State;

namespace Guardrails.Policies.Rules.PdbAllowsDisruption;

/// <summary>
/// A PodDisruptionBudget that can never allow an eviction blocks every node drain, and so the next cluster upgrade:
/// <c>maxUnavailable: 0</c> (or <c>0%</c>), <c>minAvailable: 100%</c>, or a <c>minAvailable</c> at or above the
/// replicas of the workloads it selects. The workloads come from the workload summary cache; a budget that selects
/// none is only warned about, because the workload may simply be applied next.
/// </summary>
[Rule("pdb-allows-disruption", Summary = "A PodDisruptionBudget must leave room to evict at least one pod, or node drains block.")]
public sealed class PdbAllowsDisruptionRule : Rule
{
    private readonly PdbAllowsDisruptionParameters _parameters;

    public PdbAllowsDisruptionRule(PdbAllowsDisruptionParameters parameters)
    {
        _parameters = parameters;
    }

    public override Match Match { get; } = Match.Kinds("policy/PodDisruptionBudget");

    public override void Check(RuleContext context)
    {
        var spec = context.Object.Spec;
        var name = context.Object.Name;
        var maxUnavailable = spec["maxUnavailable"];
        if (maxUnavailable.AsIntOrPercent() is { Value: 0 })
        {
            context.Report(
                maxUnavailable,
                $"PodDisruptionBudget {name} allows no pod to be unavailable (maxUnavailable {maxUnavailable.Display}), so no node running its pods can be drained",
                "set maxUnavailable to 1 (or a percentage above 0%), or use a minAvailable below the replica count");
            return;
        }

        var minAvailable = spec["minAvailable"];
        var min = minAvailable.AsIntOrPercent();
        if (min is { IsPercent: true, Value: >= 100 })
        {
            context.Report(
                minAvailable,
                $"PodDisruptionBudget {name} requires every pod to stay available (minAvailable {minAvailable.Display}), so no node running its pods can be drained",
                "lower minAvailable below 100% (or to a count below the replicas), or use maxUnavailable: 1");
            return;
        }

        var selector = spec["selector"];
        if (selector["matchExpressions"].Count > 0)
        {
            // Only matchLabels are kept in the cache's summaries; a wrong guess here would deny a valid budget.
            return;
        }

        var matchLabels = selector["matchLabels"].Properties
            .Select(p => new KeyValuePair<string, string>(p.Key, p.Value.AsString() ?? ""))
            .ToList();
        var selected = Selected(context.Cluster.WorkloadsIn(context.Namespace), matchLabels);
        if (selected.Count == 0)
        {
            if (_parameters.WarnWhenNothingSelected && context.Cluster.Unavailable is null)
            {
                context.Warn(
                    selector.Path,
                    selector.Display,
                    $"PodDisruptionBudget {name} selects no Deployment, StatefulSet, ReplicaSet or ReplicationController in namespace {context.Namespace}, so it protects nothing",
                    "make spec.selector.matchLabels match the labels of the workload's pod template (spec.template.metadata.labels)");
            }

            return;
        }

        if (min is not { IsPercent: false } count)
        {
            return;
        }

        var counted = selected.Where(w => w.Replicas is not null).ToList();
        if (counted.Count == 0)
        {
            return;
        }

        var replicas = counted.Sum(w => w.Replicas!.Value);
        if (count.Value >= replicas)
        {
            var workloads = string.Join(", ", counted.Select(w => $"{w.Kind.Kind} {w.Name} ({w.Replicas} replicas)"));
            context.Report(
                minAvailable,
                $"PodDisruptionBudget {name} requires minAvailable {count.Value} of {replicas} pods selected from {workloads}: "
                + $"{replicas} - {count.Value} = {Math.Max(0, replicas - count.Value)} pods may ever be evicted, so no node running them can be drained",
                replicas > 1
                    ? $"set minAvailable to {replicas - 1} or less (or maxUnavailable: 1), or run more than {count.Value} replicas"
                    : $"run at least {count.Value + 1} replicas, or use maxUnavailable: 1 and accept the short outage a drain causes");
        }
    }

    private static List<WorkloadSummary> Selected(IReadOnlyList<WorkloadSummary> workloads, List<KeyValuePair<string, string>> matchLabels)
    {
        var selected = new List<WorkloadSummary>();
        foreach (var workload in workloads)
        {
            // A Deployment's ReplicaSets carry the same pods: only the top of each owner chain is counted.
            if (workload.Controller is not null || !IsReplicated(workload.Kind.Kind))
            {
                continue;
            }

            if (matchLabels.All(l => workload.PodLabels.Any(p => p.Key == l.Key && p.Value == l.Value)))
            {
                selected.Add(workload);
            }
        }

        return selected;
    }

    private static bool IsReplicated(string kind) =>
        kind is "Deployment" or "StatefulSet" or "ReplicaSet" or "ReplicationController";
}
