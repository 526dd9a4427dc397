namespace Guardrails.Policies.State;

public sealed record NamespaceInfo(string Name, IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>Deleted but not gone yet: the namespace controller is still emptying it (phase Terminating).</summary>
    public bool Terminating { get; init; }
}
