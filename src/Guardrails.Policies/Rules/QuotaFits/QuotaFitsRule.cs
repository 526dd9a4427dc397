using Guardrails.Policies.Engine;
using Guardrails.Policies.Quantities;
using Guardrails.Policies.Resources;
using Guardrails.Policies.State;

namespace Guardrails.Policies.Rules.QuotaFits;

/// <summary>
/// Predicts at apply time what ResourceQuota admission would refuse pod by pod later: a Deployment the apiserver
/// accepts but whose pods never start. On UPDATE the object's current share is released first.
/// </summary>
internal sealed class QuotaFitsRule : Rule
{
    private readonly bool _countSurge;

    public QuotaFitsRule(QuotaFitsParameters parameters)
    {
        _countSurge = parameters.CountSurge;
    }

    public override string Id => QuotaFitsDefinition.RuleId;

    public override bool AppliesTo(WorkloadKind kind) => kind.Replicas is not ReplicaSource.None and not ReplicaSource.PerNode;

    public override void Check(RuleContext context)
    {
        var quota = context.Cluster.GetQuota(context.Namespace);
        if (quota.Quotas.Count == 0 || PodCount.Of(context.Workload, _countSurge) is not { } count)
        {
            return;
        }

        var perPod = PodDemand.Compute(context.Workload, quota.LimitRanges);
        var (oldPerPod, oldCount) = OldShare(context, quota);
        var workload = context.Workload;
        var who = $"{workload.Kind.Kind} {context.Namespace}/{context.Request.Name ?? workload.Name}";
        var path = workload.Kind.Replicas == ReplicaSource.SinglePod ? workload.PodFieldPath("containers") : "spec";

        foreach (var resourceQuota in quota.Quotas)
        {
            // Scoped quotas count only some pods (BestEffort, PriorityClass...); judging them here would be guesswork.
            if (resourceQuota.Scopes.Count > 0 || resourceQuota.HasScopeSelector)
            {
                continue;
            }

            foreach (var (key, hard) in resourceQuota.Hard)
            {
                if (DemandResources.FromQuotaKey(key) is not { } resource)
                {
                    continue;
                }

                if (resource != DemandResource.Pods && perPod.IsUnset(resource) && count.Pods > 0)
                {
                    var (section, name) = resource.Field();
                    context.Report(
                        workload.PodFieldPath("containers"),
                        "unset",
                        $"ResourceQuota {resourceQuota.Name} in {context.Namespace} limits {key}, so Kubernetes will refuse {who}'s pods: a container sets no {section}.{name} and no LimitRange gives a default",
                        $"set resources.{section}.{name} on every container, or add a LimitRange default");
                    continue;
                }

                var perPodValue = resource == DemandResource.Pods ? new Quantity(1) : perPod[resource];
                var need = perPodValue * count.Pods;
                var release = oldPerPod is null ? Quantity.Zero : (resource == DemandResource.Pods ? new Quantity(1) : oldPerPod[resource]) * oldCount;
                var used = resourceQuota.UsedOf(key);
                var left = hard - used + release;
                if (need > left)
                {
                    var arithmetic = resource == DemandResource.Pods ? count.Explanation : count.Times(perPodValue.ToString());
                    var released = release.IsZero ? "" : $", after releasing {release} held by its current version";
                    context.Report(
                        path,
                        $"{key} {need}",
                        $"{who} needs {key} {need} ({arithmetic}) but ResourceQuota {resourceQuota.Name} in {context.Namespace} has {hard - used} left ({hard} hard, {used} used{released})",
                        $"lower replicas or per-pod {key}, or ask for a larger quota");
                }
            }
        }
    }

    private (PodDemand? PerPod, long Count) OldShare(RuleContext context, NamespaceQuota quota)
    {
        if (context.Request.Operation != AdmissionOperation.Update
            || !WorkloadReader.TryRead(context.Workload.Kind, context.Request.OldObject, out var old)
            || PodCount.Of(old!, _countSurge) is not { } oldCount)
        {
            return (null, 0);
        }

        return (PodDemand.Compute(old!, quota.LimitRanges), oldCount.Pods);
    }
}
