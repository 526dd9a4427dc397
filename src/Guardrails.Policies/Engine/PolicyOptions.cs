namespace Guardrails.Policies.Engine;

public sealed record PolicyOptions
{
    public static readonly IReadOnlyList<string> SystemNamespaces = ["kube-system", "kube-public", "kube-node-lease"];

    /// <summary>Guardrails' own namespace, never judged unless a pack opts in (so a bad pack cannot lock Guardrails out of its own repair).</summary>
    public string? OwnNamespace { get; init; }

    /// <summary>Packs judged as if <c>enabled: true</c>: a test suite trying a pack that ships disabled.</summary>
    public IReadOnlyList<string> EnablePacks { get; init; } = [];

    /// <summary>Only for benchmarks measuring what the run-time budget costs: no rule is timed.</summary>
    internal bool MeasureWithoutBudgets { get; init; }
}
