namespace Guardrails.Policies.Rules.PdbAllowsDisruption;

public sealed record PdbAllowsDisruptionParameters
{
    /// <summary>Warn about a PodDisruptionBudget that selects no workload the cache knows (a typo in its selector protects nothing).</summary>
    public bool WarnWhenNothingSelected { get; init; } = true;
}
