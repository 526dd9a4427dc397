using System.Collections.Frozen;
using Guardrails.Policies.Resources;

namespace Guardrails.Webhook.Telemetry;

/// <summary>
/// The <c>kind</c> metric label comes from request content, so it is mapped onto a closed set: kinds Guardrails
/// judges or meets every day keep their name, anything else is <c>other</c>. Without this, every distinct kind a
/// client sends would become a time series kept for the life of the process.
/// </summary>
public static class KindLabel
{
    public const string Other = "other";

    private static readonly FrozenSet<string> Known = WorkloadKind.All.Select(k => k.Kind)
        .Concat(
        [
            "Namespace", "ResourceQuota", "LimitRange", "ConfigMap", "Secret", "Service", "ServiceAccount", "Ingress",
            "NetworkPolicy", "PersistentVolumeClaim", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Role",
            "RoleBinding", "ClusterRole", "ClusterRoleBinding", "Event", "Lease", "Environment", "RulePack",
            "AdmissionReview", "unknown",
        ])
        .ToFrozenSet(StringComparer.Ordinal);

    /// <summary>How many values the label can take: the known kinds and <see cref="Other"/>.</summary>
    public static int Count => Known.Count + 1;

    public static string For(string? kind) => kind is not null && Known.TryGetValue(kind, out var known) ? known : Other;
}
