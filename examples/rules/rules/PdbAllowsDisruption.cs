namespace Examples.Rules;

/// <summary>
/// A PodDisruptionBudget with <c>maxUnavailable: 0</c> (or <c>0%</c>), or <c>minAvailable: 100%</c>, lets no pod be
/// evicted: <c>kubectl drain</c>, node upgrades and the cluster autoscaler wait on it forever.
/// </summary>
[Rule("pdb-drainable", Summary = "A PodDisruptionBudget must leave room to evict at least one pod, or node drains block.")]
public sealed class PdbAllowsDisruption : Rule
{
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
                $"PodDisruptionBudget {name} allows no pod to be unavailable, so no node running its pods can be drained",
                "set maxUnavailable to 1 (or a percentage above 0%), or use minAvailable below the replica count");
        }

        var minAvailable = spec["minAvailable"];
        if (minAvailable.AsIntOrPercent() is { IsPercent: true, Value: >= 100 })
        {
            context.Report(
                minAvailable,
                $"PodDisruptionBudget {name} requires every pod to stay available, so no node running its pods can be drained",
                "lower minAvailable below 100% (or to a count below the replicas), or use maxUnavailable: 1");
        }
    }
}
