using System.Text.Json;
using Guardrails.Policies.Resources;

namespace Guardrails.Webhook.Provisioning;

/// <summary>
/// One version of an Environment as far as its finalizers go: a new finalizer list is only ever computed from, and
/// written against, the same version, so a finalizer someone else added meanwhile is never dropped.
/// </summary>
internal sealed record EnvironmentVersion(string ResourceVersion, IReadOnlyList<string> Finalizers)
{
    public bool HasFinalizer => Finalizers.Contains(ProvisioningApi.Finalizer);

    public static EnvironmentVersion Of(JsonElement environment)
    {
        var metadata = environment.Child("metadata"u8);
        var finalizers = metadata.Child("finalizers"u8);
        return new EnvironmentVersion(
            metadata.Child("resourceVersion"u8).AsString() ?? "",
            finalizers.ValueKind == JsonValueKind.Array ? [.. finalizers.EnumerateArray().Select(f => f.AsString() ?? "")] : []);
    }
}
