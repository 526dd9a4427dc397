using Guardrails.Policies.Packs;

namespace Guardrails.Policies.State;

/// <summary>
/// One <c>from</c> entry of a NetworkPolicy ingress rule. A namespaceSelector alone admits every pod of the namespaces
/// it matches; with a podSelector, only those pods; a podSelector alone, pods of the policy's own namespace.
/// </summary>
public sealed record NetworkPolicyPeer(LabelSelector? NamespaceSelector, LabelSelector? PodSelector, string? IpBlock);
