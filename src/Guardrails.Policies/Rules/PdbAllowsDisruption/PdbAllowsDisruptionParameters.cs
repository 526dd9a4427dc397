namespace Guardrails.Policies.Rules.PdbAllowsDisruption;

public sealed record PdbAllowsDisruptionParameters
{
    /// <summary>Warn about a PodDisruptionBudget that selects no workload the cache knows (a typo in its selector protects nothing).</summary>
    public bool WarnWhenNothingSelected { get; init; } = true;

    /// <summary>
    /// Also judge from the workload's side: a Deployment, StatefulSet, ReplicaSet or ReplicationController created or
    /// scaled down (apply or the scale subresource) to at or below what a budget selecting it requires.
    /// </summary>
    public bool JudgeScaleDowns { get; init; } = true;
}
