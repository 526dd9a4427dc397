using Guardrails.Policies.Engine;
using Guardrails.Policies.Resources;
using Guardrails.Policies.State;
using Guardrails.Webhook.Cluster;

namespace Guardrails.Webhook.Admission;

/// <summary>
/// Remembers what was just admitted, so the controller writes that follow within milliseconds (a Deployment's
/// ReplicaSet, a scaled ReplicaSet) find their owner as admitted rather than as the watch last saw it.
/// </summary>
internal static class AdmittedWorkloadRecorder
{
    public static void Record(LiveClusterState live, AdmissionReview review, IClusterSnapshot state, string ns)
    {
        if (review.Operation is not (AdmissionOperation.Create or AdmissionOperation.Update))
        {
            return;
        }

        var resourceVersion = review.OldObject.Child("metadata"u8).Child("resourceVersion"u8).AsString();
        if (review.SubResource == "scale")
        {
            if (review.Object.Child("metadata"u8).Child("uid"u8).AsString() is { } uid
                && state.GetWorkload(ns, uid) is { } target
                && review.Object.Child("spec"u8).Child("replicas"u8).AsInt64() is { } replicas)
            {
                live.Admitted.Admitted(target.WithReplicas(replicas, resourceVersion), resourceVersion);
            }

            return;
        }

        if (review.SubResource is null && WorkloadKind.Find(review.Group, review.Kind) is { } kind
            && WorkloadSummary.Read(kind, review.Object, state.GetQuota(ns).LimitRanges, ns) is { } summary)
        {
            live.Admitted.Admitted(summary, resourceVersion);
        }
    }
}
