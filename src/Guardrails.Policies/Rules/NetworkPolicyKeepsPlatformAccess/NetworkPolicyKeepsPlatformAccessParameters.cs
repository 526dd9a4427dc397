namespace Guardrails.Policies.Rules.NetworkPolicyKeepsPlatformAccess;

public sealed record NetworkPolicyKeepsPlatformAccessParameters
{
    /// <summary>
    /// The namespaces the platform reaches pods from (monitoring, the ingress controller). A peer admits them when its
    /// namespaceSelector matches the namespace's labels (from the namespace cache, plus the
    /// <c>kubernetes.io/metadata.name</c> label every namespace carries) and it has no podSelector, or an empty one.
    /// </summary>
    public List<string> PlatformNamespaces { get; init; } = ["monitoring"];
}
