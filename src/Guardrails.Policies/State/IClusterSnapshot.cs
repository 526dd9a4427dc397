namespace Guardrails.Policies.State;

/// <summary>
/// An immutable view of the cluster state rules may read. The engine never calls the Kubernetes API itself:
/// the host keeps this current from watches, the CLI builds it from files, tests build it by hand.
/// </summary>
public interface IClusterSnapshot
{
    NamespaceInfo? GetNamespace(string name);

    /// <summary>ResourceQuotas and LimitRanges of a namespace; <see cref="NamespaceQuota.None"/> when it has none.</summary>
    NamespaceQuota GetQuota(string @namespace);

    /// <summary>Why this snapshot cannot be trusted (not synced yet, watches failing), or null when it is current.</summary>
    string? Unavailable { get; }
}
