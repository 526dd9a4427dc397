using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Guardrails.Policies.Resources;

namespace Guardrails.Webhook.Provisioning;

/// <summary>
/// The status an Environment shows: phase, the Ready and Rejected conditions, the namespace, and each step's time.
/// Built so that the same verdict twice is the same status, which the reconciler then does not write again.
/// </summary>
internal static class EnvironmentStatus
{
    public static JsonObject Rejected(JsonElement environment, DateTimeOffset now, long generation, IReadOnlyList<string> reasons) =>
        Build(environment, now, "Rejected", generation, null, string.Join("\n", reasons), [], readyStatus: "False", rejected: true);

    /// <summary>The status for <paramref name="phase"/>; conditions whose status is unchanged keep their transition time.</summary>
    /// <param name="noLeader">Why no replica leads provisioning: adds a <c>Leading</c> condition (False, NoLeader) saying so.</param>
    public static JsonObject Build(JsonElement environment, DateTimeOffset now, string phase, long generation, string? ns, string message, IReadOnlyList<StepTiming> steps, string readyStatus, bool rejected, string? planHash = null, bool noLeader = false)
    {
        var timestamp = now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var previous = environment.Child("status"u8).Child("conditions"u8);
        JsonObject Condition(string type, string status, string reason) => new()
        {
            ["type"] = type,
            ["status"] = status,
            ["reason"] = reason,
            ["message"] = message,
            ["observedGeneration"] = generation,

            // As Kubernetes conditions do: the time the status last changed, not the time it was last written.
            ["lastTransitionTime"] = TransitionTime(previous, type, status) ?? timestamp,
        };

        var status = new JsonObject
        {
            ["phase"] = phase,
            ["observedGeneration"] = generation,
            ["message"] = message,
            ["conditions"] = new JsonArray(
                Condition("Ready", readyStatus, phase),
                Condition("Rejected", rejected ? "True" : "False", rejected ? "PreCheckFailed" : "PreCheckPassed")),
            ["steps"] = new JsonArray([.. steps.Select(s => new JsonObject { ["name"] = s.Name, ["durationMs"] = (long)Math.Round(s.DurationMs) })]),
        };
        if (noLeader)
        {
            ((JsonArray)status["conditions"]!).Add(Condition("Leading", "False", "NoLeader"));
        }

        if (ns is not null)
        {
            status["namespace"] = ns;
        }

        if (planHash is not null)
        {
            status["planHash"] = planHash;
        }

        return status;
    }

    private static string? TransitionTime(JsonElement conditions, string type, string status)
    {
        if (conditions.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var condition in conditions.EnumerateArray())
        {
            if (condition.Child("type"u8).AsString() == type)
            {
                return condition.Child("status"u8).AsString() == status ? condition.Child("lastTransitionTime"u8).AsString() : null;
            }
        }

        return null;
    }
}
