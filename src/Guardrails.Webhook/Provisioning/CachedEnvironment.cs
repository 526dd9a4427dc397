using System.Text.Json;
using Guardrails.Policies.Resources;

namespace Guardrails.Webhook.Provisioning;

/// <summary>
/// One Environment as the watch last saw it: its JSON, and — read once, when it arrives — the request that holds part
/// of its team's budget (null for one being deleted, Rejected, or unreadable).
/// </summary>
internal sealed record CachedEnvironment(string Json, EnvironmentRequest? HoldingBudget)
{
    public static CachedEnvironment From(JsonElement item)
    {
        var gone = item.Child("metadata"u8).Child("deletionTimestamp"u8).IsPresent() || item.Child("status"u8).Child("phase"u8).AsString() == "Rejected";
        return new CachedEnvironment(item.GetRawText(), gone ? null : EnvironmentRequest.FromObject(item).Request);
    }
}
