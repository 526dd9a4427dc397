using Guardrails.Webhook.Cluster.Api;

namespace Guardrails.Webhook.Cluster;

/// <summary>The policy objects the day2 rules judge changes against: what stays of them is in <see cref="NamespacedSummaries{T}"/>.</summary>
public static class PolicyObjectTypes
{
    public static readonly ResourceType PodDisruptionBudgets = new("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", Namespaced: true);

    public static readonly ResourceType NetworkPolicies = new("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", Namespaced: true);
}
