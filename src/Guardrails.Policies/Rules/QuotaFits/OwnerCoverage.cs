using Guardrails.Policies.Quantities;
using Guardrails.Policies.Resources;
using Guardrails.Policies.State;

namespace Guardrails.Policies.Rules.QuotaFits;

/// <summary>
/// Whether a controller's write is part of a workload already admitted: a ReplicaSet of a Deployment, a Job of a
/// CronJob, a Pod of any of them. Such a child draws on its owner's share (which quota-fits judged, or which the
/// quota already counts) instead of asking for quota again; charging it again would refuse the owner's own pods.
/// A child beyond its owner's share (a ReplicaSet scaled by hand, an owner that shrank) is judged on its own.
/// </summary>
internal static class OwnerCoverage
{
    public static bool Covers(IClusterSnapshot cluster, string @namespace, Workload child, PodCount? count, PodDemand? perPod)
    {
        if (count is not { } pods || perPod is null
            || WorkloadSummary.ControllerOf(child.Root) is not { } controller
            || cluster.GetWorkload(@namespace, controller.Uid) is not { PerPod: { } ownerPerPod } owner)
        {
            return false;
        }

        // A pod asks for no more than one of its owner's pods; how many exist is the controller's business (and the
        // apiserver's quota check still counts them).
        if (child.Kind == WorkloadKind.Pod)
        {
            return owner.PodsAtMost is not 0 && WithinPerPod(perPod, ownerPerPod);
        }

        if (owner.PodsAtMost is not { } ownerPods)
        {
            return false;
        }

        // The owner's share is every pod it may run at once, surge included: during a rollout the old and the new
        // ReplicaSet together hold replicas + maxSurge pods, which is what the owner was admitted for.
        var childUid = child.Root.Child("metadata"u8).Child("uid"u8).AsString();
        var siblingPods = 0L;
        var siblings = new Quantity[DemandResources.PerPodCount];
        foreach (var sibling in cluster.ChildrenOf(@namespace, owner.Uid))
        {
            if (sibling.Uid == childUid || sibling.Replicas is not { } replicas || replicas == 0)
            {
                continue;
            }

            if (sibling.PerPod is not { } siblingPerPod)
            {
                return false;
            }

            siblingPods += replicas;
            for (var r = 0; r < DemandResources.PerPodCount; r++)
            {
                siblings[r] += siblingPerPod[(DemandResource)r] * replicas;
            }
        }

        if (siblingPods + pods.Pods > ownerPods)
        {
            return false;
        }

        for (var r = 0; r < DemandResources.PerPodCount; r++)
        {
            var resource = (DemandResource)r;
            if (!ownerPerPod.IsUnset(resource) && siblings[r] + (perPod[resource] * pods.Pods) > ownerPerPod[resource] * ownerPods)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A value the owner's template leaves unset is not compared: the pod carries whatever LimitRange default the
    /// LimitRanger filled in, which may be newer than the owner's cached summary.
    /// </summary>
    private static bool WithinPerPod(PodDemand pod, PodDemand owner)
    {
        for (var r = 0; r < DemandResources.PerPodCount; r++)
        {
            if (!owner.IsUnset((DemandResource)r) && pod[(DemandResource)r] > owner[(DemandResource)r])
            {
                return false;
            }
        }

        return true;
    }
}
