namespace Guardrails.Webhook.Provisioning;

/// <summary>Who owns a namespace name, as the host sees it in the cluster (the <c>guardrails.dev/environment</c> annotation).</summary>
public enum NamespaceOwnership
{
    Absent,
    OwnedByThisEnvironment,
    OwnedByGuardrailsOtherEnvironment,
    NotOwnedByGuardrails,
}
