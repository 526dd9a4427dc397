namespace Guardrails.Policies.Packs;

/// <summary>Which namespaces a pack, or one rule in it, applies to.</summary>
public sealed record ScopeSpec
{
    public static readonly ScopeSpec All = new();

    /// <summary>Only these namespaces; empty means all.</summary>
    public IReadOnlyList<string> IncludeNamespaces { get; init; } = [];

    public IReadOnlyList<string> ExcludeNamespaces { get; init; } = [];

    public LabelSelector? NamespaceSelector { get; init; }

    /// <summary>Opt in to kube-system, kube-public, kube-node-lease and Guardrails' own namespace.</summary>
    public bool IncludeSystemNamespaces { get; init; }

    public int Line { get; init; }
}
