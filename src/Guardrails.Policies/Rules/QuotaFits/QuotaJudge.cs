using Guardrails.Policies.Quantities;
using Guardrails.Policies.State;

namespace Guardrails.Policies.Rules.QuotaFits;

/// <summary>
/// The quota arithmetic: for every quota of the namespace and every resource it limits, what the write needs
/// against what is left (hard − used − reserved, plus what its current version releases). One place, so an object,
/// a scale write and an HPA's maxReplicas read the same numbers the same way.
/// </summary>
internal static class QuotaJudge
{
    public static void Judge(IQuotaReport report, NamespaceQuota quota, QuotaAsk ask)
    {
        foreach (var resourceQuota in quota.Quotas)
        {
            // Kubernetes lets scoped quotas track only pod resources, so a pod outside the scope skips the whole quota.
            if (resourceQuota.Scopes.Count > 0 && (ask.Facts is null || !InScope(report, resourceQuota, ask.Facts, ask.Who)))
            {
                continue;
            }

            foreach (var (key, hard) in resourceQuota.Hard)
            {
                if (key == ask.Kind.CountQuotaKey && ask.Kind != Resources.WorkloadKind.Pod)
                {
                    if (ask.CountsObject)
                    {
                        Compare(report, resourceQuota, key, hard, new Quantity(1), Quantity.Zero, "metadata.name", $"{ask.Who} needs {key} 1 (one more {ask.Kind.Kind})", "delete one you no longer need, or ask for a larger quota");
                    }

                    continue;
                }

                if (ask.Count is not { } pods || DemandResources.FromQuotaKey(key) is not { } resource)
                {
                    continue;
                }

                if (resource != DemandResource.Pods && ask.PerPod!.IsUnset(resource) && pods.Pods > 0)
                {
                    var (section, name) = resource.Field();
                    report.Report(
                        ask.UnsetPath,
                        "unset",
                        $"ResourceQuota {resourceQuota.Name} in {report.Namespace} limits {key}, so Kubernetes will refuse {ask.Who}'s pods: a container sets no {section}.{name} and no LimitRange gives a default",
                        $"set resources.{section}.{name} on every container, or add a LimitRange default");
                    continue;
                }

                var perPodValue = resource == DemandResource.Pods ? new Quantity(1) : ask.PerPod![resource];
                var need = perPodValue * pods.Pods;
                var release = ask.Released is not { } old ? Quantity.Zero : (resource == DemandResource.Pods ? new Quantity(1) : old.PerPod[resource]) * old.Count;
                var arithmetic = resource == DemandResource.Pods ? pods.Explanation : pods.Times(perPodValue.ToString());
                Compare(report, resourceQuota, key, hard, need, release, ask.Path, $"{ask.Who} needs {key} {need} ({arithmetic})", Fix(ask.Lower, key, resource));
            }
        }
    }

    /// <summary>What to change: a pod count is lowered by replicas alone; a bare Pod has no replicas to lower.</summary>
    private static string Fix(string? lower, string key, DemandResource resource) => (lower, resource) switch
    {
        (null, DemandResource.Pods) => "delete pods you no longer need, or ask for a larger quota",
        (null, _) => $"lower the pod's {key}, or ask for a larger quota",
        (_, DemandResource.Pods) => $"lower {lower}, or ask for a larger quota",
        _ => $"lower {lower} or per-pod {key}, or ask for a larger quota",
    };

    private static void Compare(IQuotaReport report, ResourceQuotaState quota, string key, Quantity hard, Quantity need, Quantity release, string path, string needs, string fix)
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
            report.Report(path, $"{key} {need}", $"{needs} but ResourceQuota {quota.Name} in {report.Namespace} has {left} left ({details})", fix);
        }
        else if (need > release)
        {
            report.Claim(quota.Name, key, need - release);
        }
    }

    /// <summary>A scoped quota counts only matching pods; a scope Guardrails cannot judge is said so, never guessed.</summary>
    private static bool InScope(IQuotaReport report, ResourceQuotaState quota, PodScopeFacts facts, string who)
    {
        foreach (var scope in quota.Scopes)
        {
            switch (scope.Matches(facts))
            {
                case false:
                    return false;
                case null:
                    report.Warn(
                        "spec",
                        scope.ToString(),
                        $"ResourceQuota {quota.Name} in {report.Namespace} has scope {scope}, which Guardrails cannot evaluate; {who} was not checked against it",
                        "nothing to change in the object; the apiserver still enforces this quota when the pods are created");
                    return false;
                default:
                    break;
            }
        }

        return true;
    }
}
