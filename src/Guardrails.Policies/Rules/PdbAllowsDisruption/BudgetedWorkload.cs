namespace Guardrails.Policies.Rules.PdbAllowsDisruption;

/// <summary>A workload a PodDisruptionBudget counts, with the replicas it runs (or is about to run).</summary>
internal readonly record struct BudgetedWorkload(string Kind, string Name, long Replicas)
{
    public override string ToString() => $"{Kind} {Name} ({Replicas} replicas)";
}
