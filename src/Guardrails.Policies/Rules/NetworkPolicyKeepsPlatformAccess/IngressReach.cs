using Guardrails.Policies.State;

namespace Guardrails.Policies.Rules.NetworkPolicyKeepsPlatformAccess;

/// <summary>
/// Kubernetes' union semantics for one set of pod labels: the pods are isolated for ingress when any policy selecting
/// them isolates for ingress; then a source reaches them only if some rule of some such policy admits it (policies
/// add up, none subtracts).
/// </summary>
internal static class IngressReach
{
    /// <returns>The isolating policies (empty: not isolated) and whether one of them admits a platform namespace.</returns>
    public static (List<string> IsolatedBy, bool Reachable) Judge(
        IReadOnlyList<NetworkPolicySummary> policies,
        IReadOnlyDictionary<string, string> podLabels,
        IReadOnlyList<IReadOnlyDictionary<string, string>> platformNamespaces)
    {
        var isolatedBy = new List<string>();
        var reachable = false;
        foreach (var policy in policies)
        {
            if (!policy.IsolatesIngress || !policy.Selects(podLabels))
            {
                continue;
            }

            isolatedBy.Add(policy.Name);
            reachable |= policy.Ingress.Any(rule => Admits(rule, platformNamespaces));
        }

        return (isolatedBy, reachable);
    }

    private static bool Admits(NetworkPolicyIngressRule rule, IReadOnlyList<IReadOnlyDictionary<string, string>> platformNamespaces)
    {
        if (rule.AllowsEverySource)
        {
            return true;
        }

        foreach (var peer in rule.From)
        {
            // A podSelector beside the namespaceSelector admits only some of the platform's pods: not counted as access.
            if (peer.NamespaceSelector is { } namespaces && (peer.PodSelector is null || SelectorReader.IsEmpty(peer.PodSelector))
                && platformNamespaces.Any(namespaces.Matches))
            {
                return true;
            }
        }

        return false;
    }
}
