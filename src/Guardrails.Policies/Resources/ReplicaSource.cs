namespace Guardrails.Policies.Resources;

/// <summary>How many pods a workload runs at once, for quota arithmetic.</summary>
public enum ReplicaSource
{
    /// <summary>Templates run nothing by themselves.</summary>
    None,
    SinglePod,
    Replicas,

    /// <summary><c>replicas</c> plus the rolling update's <c>maxSurge</c>, which runs at the same time.</summary>
    ReplicasWithSurge,

    /// <summary>One pod per node: unknown without node state.</summary>
    PerNode,

    /// <summary>Jobs: <c>parallelism</c>, capped by <c>completions</c>.</summary>
    Parallelism,
}
