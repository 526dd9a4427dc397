using System.Text.Json;
using Guardrails.Policies.Resources;
using Guardrails.Policies.State;

namespace Guardrails.Webhook.Admission.Refusals;

/// <summary>Finds the object a person created above a controller's write: Pod → ReplicaSet → Deployment, Pod → Job → CronJob.</summary>
internal static class RefusalTarget
{
    private const int MaxDepth = 8;

    /// <param name="scaled">A scale subresource write: the Scale carries the scaled workload's uid, and the workload is where the event starts.</param>
    public static EventTarget? Of(JsonElement written, IClusterSnapshot state, string @namespace, bool scaled = false)
    {
        if (scaled && written.Child("metadata"u8).Child("uid"u8).AsString() is { } uid && state.GetWorkload(@namespace, uid) is { } workload)
        {
            return workload.Controller is null
                ? new EventTarget(ApiVersion(workload.Kind), workload.Kind.Kind, workload.Name, workload.Uid)
                : Walk(workload.Controller, written, state, @namespace);
        }

        return WorkloadSummary.ControllerOf(written) is { } owner ? Walk(owner, written, state, @namespace) : null;
    }

    private static EventTarget Walk(WorkloadOwner owner, JsonElement written, IClusterSnapshot state, string @namespace)
    {
        var target = FromOwner(owner, written);
        for (var depth = 0; depth < MaxDepth && state.GetWorkload(@namespace, owner.Uid) is { } summary; depth++)
        {
            target = new EventTarget(ApiVersion(summary.Kind), summary.Kind.Kind, summary.Name, summary.Uid);
            if (summary.Controller is not { } next)
            {
                break;
            }

            owner = next;
            target = new EventTarget(ApiVersionOf(next.Kind), next.Kind, next.Name, next.Uid);
        }

        return target;
    }

    private static EventTarget FromOwner(WorkloadOwner owner, JsonElement written)
    {
        // The ownerReference carries its own apiVersion; prefer it over a guess from the kind.
        if (written.Child("metadata"u8).Child("ownerReferences"u8) is { ValueKind: JsonValueKind.Array } owners)
        {
            foreach (var reference in owners.EnumerateArray())
            {
                if (reference.Child("uid"u8).AsString() == owner.Uid && reference.Child("apiVersion"u8).AsString() is { } apiVersion)
                {
                    return new EventTarget(apiVersion, owner.Kind, owner.Name, owner.Uid);
                }
            }
        }

        return new EventTarget(ApiVersionOf(owner.Kind), owner.Kind, owner.Name, owner.Uid);
    }

    private static string ApiVersionOf(string kind) => WorkloadKind.All.FirstOrDefault(k => k.Kind == kind) is { } known ? ApiVersion(known) : "v1";

    private static string ApiVersion(WorkloadKind kind) => kind.Group.Length == 0 ? "v1" : $"{kind.Group}/v1";
}
