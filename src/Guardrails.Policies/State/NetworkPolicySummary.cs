using System.Text.Json;
using Guardrails.Policies.Packs;
using Guardrails.Policies.Resources;

namespace Guardrails.Policies.State;

/// <summary>
/// What admission needs to know about a NetworkPolicy's ingress side: the pods it selects, whether it isolates them
/// for ingress, and whom its ingress rules admit. Egress and ports are not kept.
/// </summary>
public sealed record NetworkPolicySummary(string Namespace, string Name, LabelSelector PodSelector, bool IsolatesIngress, IReadOnlyList<NetworkPolicyIngressRule> Ingress)
{
    public static NetworkPolicySummary Read(JsonElement item, string defaultNamespace = "default")
    {
        var (name, ns) = StateReader.Identity(item, defaultNamespace);
        var spec = item.Child("spec"u8);

        // Without policyTypes a policy always isolates for ingress (and for egress only if it has egress rules).
        var types = spec.Child("policyTypes"u8);
        var isolates = types.ValueKind != JsonValueKind.Array
            || types.EnumerateArray().Any(t => t.AsString() == "Ingress");

        var rules = new List<NetworkPolicyIngressRule>();
        if (spec.Child("ingress"u8) is { ValueKind: JsonValueKind.Array } ingress)
        {
            foreach (var rule in ingress.EnumerateArray())
            {
                var peers = new List<NetworkPolicyPeer>();
                if (rule.Child("from"u8) is { ValueKind: JsonValueKind.Array } from)
                {
                    foreach (var peer in from.EnumerateArray())
                    {
                        peers.Add(new NetworkPolicyPeer(
                            SelectorReader.Read(peer.Child("namespaceSelector"u8)),
                            SelectorReader.Read(peer.Child("podSelector"u8)),
                            peer.Child("ipBlock"u8).Child("cidr"u8).AsString()));
                    }
                }

                rules.Add(new NetworkPolicyIngressRule(peers));
            }
        }

        return new NetworkPolicySummary(
            string.Intern(ns),
            name,
            SelectorReader.Read(spec.Child("podSelector"u8)) ?? SelectorReader.Everything,
            isolates,
            rules);
    }

    public bool Selects(IReadOnlyDictionary<string, string> podLabels) => PodSelector.Matches(podLabels);
}
