using Guardrails.Policies.Authoring;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Quantities;
using Guardrails.Policies.Resources;
using Guardrails.Policies.State;

namespace Guardrails.Policies.Rules.QuotaFits;

/// <summary>
/// Predicts at apply time what ResourceQuota admission would refuse pod by pod later: a Deployment the apiserver
/// accepts but whose pods never start. On UPDATE the object's current share is released first; quota admitted
/// moments ago but not yet in the quota's status (reservations) counts as used.
/// </summary>
[Rule(QuotaFitsDefinition.RuleId)]
internal sealed class QuotaFitsRule : Rule
{
    private readonly bool _countSurge;
    private readonly bool _denyWhenUnavailable;

    public QuotaFitsRule(QuotaFitsParameters parameters)
    {
        _countSurge = parameters.CountSurge;
        _denyWhenUnavailable = parameters.WhenStateUnavailable == "Deny";
    }

    public override void Check(RuleContext context)
    {
        if (context.Cluster.Unavailable is { } problem)
        {
            ReportUnavailable(context, problem);
            return;
        }

        var quota = context.Cluster.GetQuota(context.Namespace);
        if (quota.Quotas.Count == 0)
        {
            return;
        }

        var workload = context.Workload;
        var who = $"{workload.Kind.Kind} {context.Namespace}/{context.Request.Name ?? workload.Name}";
        var count = PodCount.Of(workload, _countSurge);
        var perPod = count is null ? null : PodDemand.Compute(workload, quota.LimitRanges);
        var (oldPerPod, oldCount) = OldShare(context, quota);
        var facts = perPod is null ? null : ScopeFacts(workload, perPod);
        var path = workload.Kind.Replicas == ReplicaSource.SinglePod ? workload.PodFieldPath("containers") : "spec";

        foreach (var resourceQuota in quota.Quotas)
        {
            // Kubernetes lets scoped quotas track only pod resources, so a pod outside the scope skips the whole quota.
            if (resourceQuota.Scopes.Count > 0 && (facts is null || !InScope(context, resourceQuota, facts, who)))
            {
                continue;
            }

            foreach (var (key, hard) in resourceQuota.Hard)
            {
                if (key == workload.Kind.CountQuotaKey && workload.Kind != WorkloadKind.Pod)
                {
                    CheckObjectCount(context, resourceQuota, key, hard, who);
                    continue;
                }

                if (count is not { } pods || DemandResources.FromQuotaKey(key) is not { } resource)
                {
                    continue;
                }

                if (resource != DemandResource.Pods && perPod!.IsUnset(resource) && pods.Pods > 0)
                {
                    var (section, name) = resource.Field();
                    context.Report(
                        workload.PodFieldPath("containers"),
                        "unset",
                        $"ResourceQuota {resourceQuota.Name} in {context.Namespace} limits {key}, so Kubernetes will refuse {who}'s pods: a container sets no {section}.{name} and no LimitRange gives a default",
                        $"set resources.{section}.{name} on every container, or add a LimitRange default");
                    continue;
                }

                var perPodValue = resource == DemandResource.Pods ? new Quantity(1) : perPod![resource];
                var need = perPodValue * pods.Pods;
                var release = oldPerPod is null ? Quantity.Zero : (resource == DemandResource.Pods ? new Quantity(1) : oldPerPod[resource]) * oldCount;
                var arithmetic = resource == DemandResource.Pods ? pods.Explanation : pods.Times(perPodValue.ToString());
                Judge(context, resourceQuota, key, hard, need, release, path, $"{who} needs {key} {need} ({arithmetic})");
            }
        }
    }

    private void CheckObjectCount(RuleContext context, ResourceQuotaState quota, string key, Quantity hard, string who)
    {
        if (context.Request.Operation == AdmissionOperation.Create)
        {
            Judge(context, quota, key, hard, new Quantity(1), Quantity.Zero, "metadata.name", $"{who} needs {key} 1 (one more {context.Workload.Kind.Kind})");
        }
    }

    private static void Judge(RuleContext context, ResourceQuotaState quota, string key, Quantity hard, Quantity need, Quantity release, string path, string needs)
    {
        var used = quota.UsedOf(key);
        var reserved = quota.ReservedOf(key);
        var left = hard - used - reserved;

        // Only growth can be refused: an update that asks for no more than its current version holds must pass even
        // when the quota is already over-used (for example after its hard limit was lowered).
        if (need > release && need - release > left)
        {
            var details = $"{hard} hard, {used} used"
                + (reserved.IsZero ? "" : $", {reserved} reserved by requests admitted moments ago")
                + (release.IsZero ? "" : $"; {release} released by its current version");
            context.Report(
                path,
                $"{key} {need}",
                $"{needs} but ResourceQuota {quota.Name} in {context.Namespace} has {left} left ({details})",
                $"lower replicas or per-pod {key}, or ask for a larger quota");
        }
        else if (need > release)
        {
            context.Claim(quota.Name, key, need - release);
        }
    }

    /// <summary>A scoped quota counts only matching pods; a scope Guardrails cannot judge is said so, never guessed.</summary>
    private static bool InScope(RuleContext context, ResourceQuotaState quota, PodScopeFacts facts, string who)
    {
        foreach (var scope in quota.Scopes)
        {
            switch (scope.Matches(facts))
            {
                case false:
                    return false;
                case null:
                    context.Warn(
                        "spec",
                        scope.ToString(),
                        $"ResourceQuota {quota.Name} in {context.Namespace} has scope {scope}, which Guardrails cannot evaluate; {who} was not checked against it",
                        "nothing to change in the object; the apiserver still enforces this quota when the pods are created");
                    return false;
                default:
                    break;
            }
        }

        return true;
    }

    private static PodScopeFacts ScopeFacts(Workload workload, PodDemand perPod) => new(
        BestEffort: perPod[DemandResource.RequestsCpu].IsZero && perPod[DemandResource.RequestsMemory].IsZero
            && perPod[DemandResource.LimitsCpu].IsZero && perPod[DemandResource.LimitsMemory].IsZero,
        Terminating: workload.PodSpec.Child("activeDeadlineSeconds"u8).AsInt64() is not null,
        PriorityClassName: workload.PodSpec.Child("priorityClassName"u8).AsString());

    private void ReportUnavailable(RuleContext context, string problem)
    {
        var message = $"quota was not checked: cluster state is unavailable ({problem})";
        if (_denyWhenUnavailable)
        {
            context.Report("spec", "(not evaluated)", message, "retry in a moment; Guardrails refuses while it cannot see the namespace's quota (whenStateUnavailable: Deny)");
        }
        else
        {
            context.Warn("spec", "(not evaluated)", message, "nothing to change; the apiserver still enforces ResourceQuota when the pods are created");
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
