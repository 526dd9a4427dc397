using Guardrails.Policies.State;

namespace Guardrails.Policies.Rules.PdbAllowsDisruption;

/// <summary>
/// The disruption controller's sum, shared by both sides of the rule (the budget judged against its workloads, a
/// workload judged against the budgets that select it) so they give the same words: expected pods are the replicas
/// of every workload the budget selects; a percentage is of those, rounded up; evictions allowed = expected - required.
/// </summary>
internal static class DisruptionArithmetic
{
    /// <summary>The top of each owner chain whose pods the budget selects (a Deployment's ReplicaSets carry the same pods).</summary>
    public static List<WorkloadSummary> Selected(IClusterSnapshot cluster, string @namespace, DisruptionBudgetSummary budget)
    {
        var selected = new List<WorkloadSummary>();
        if (budget.Selector is null)
        {
            return selected;
        }

        var workloads = cluster.WorkloadCandidates(@namespace, budget.Selector);
        var matcher = new SelectorMatcher(budget.Selector);
        foreach (var workload in workloads)
        {
            if (workload.Controller is null && IsReplicated(workload.Kind.Kind) && matcher.Matches(workload.PodLabels))
            {
                selected.Add(workload);
            }
        }

        return selected;
    }

    public static bool IsReplicated(string kind) =>
        kind is "Deployment" or "StatefulSet" or "ReplicaSet" or "ReplicationController";

    /// <summary>
    /// Why the budget can never allow an eviction over these workloads, in the words both sides use; null when it can
    /// (or when it says maxUnavailable, which allows at least one eviction whenever it is above 0).
    /// </summary>
    public static string? Blocked(string budget, IntOrPercent? minAvailable, IReadOnlyList<BudgetedWorkload> workloads, out long required, out long expected)
    {
        expected = workloads.Sum(w => w.Replicas);
        required = 0;
        if (minAvailable is not { } min || workloads.Count == 0)
        {
            return null;
        }

        required = min.Of(expected);
        if (required < expected)
        {
            return null;
        }

        var asked = min.IsPercent ? $"{min} of {expected} pods (rounded up: {required})" : $"{required} of {expected} pods";
        return $"PodDisruptionBudget {budget} requires minAvailable {asked} selected from {string.Join(", ", workloads)}: "
            + $"{expected} - {required} = {Math.Max(0, expected - required)} pods may ever be evicted, so no node running them can be drained";
    }

    /// <summary>The fewest pods that leave one eviction under this minAvailable, or null when none do (100%).</summary>
    public static long? FewestEvictable(IntOrPercent min)
    {
        if (!min.IsPercent)
        {
            return min.Value + 1;
        }

        if (min.Value >= 100)
        {
            return null;
        }

        // n - ceil(p * n / 100) >= 1 holds from n = 100 / (100 - p) on; found by counting up, at most 100 steps.
        for (long n = 1; n <= 100; n++)
        {
            if (n - min.Of(n) >= 1)
            {
                return n;
            }
        }

        return null;
    }
}
