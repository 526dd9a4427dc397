namespace Guardrails.Webhook.Provisioning;

/// <summary>The labels and annotation Guardrails puts on what it provisions, and reads back to know what it owns.</summary>
public static class ProvisioningLabels
{
    public const string Team = "guardrails.dev/team";
    public const string Tier = "guardrails.dev/tier";

    /// <summary>Label and annotation: the owning environment, <c>{team}-{name}</c>.</summary>
    public const string Environment = "guardrails.dev/environment";

    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "guardrails";
    public const string PodSecurityEnforce = "pod-security.kubernetes.io/enforce";
    public const string PodSecurityEnforceVersion = "pod-security.kubernetes.io/enforce-version";
}
