using Guardrails.Policies.Authoring;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Resources;

namespace Guardrails.Webhook.Hosting.Tls;

/// <summary>
/// What the webhooks register for, from the loaded policy: the kinds and operations its enabled rules match, plus
/// Environments (validated only), instead of <c>*</c>; the mutating webhook only when some enabled rule mutates,
/// so that without one each write costs the apiserver one call, not two (gatekeeper#266).
/// </summary>
public sealed record WebhookRuleSet(IReadOnlyList<WebhookRule> Validating, IReadOnlyList<WebhookRule>? Mutating)
{
    private static readonly string[] CreateAndUpdate = ["CREATE", "UPDATE"];
    private static readonly WebhookRule Environments = new("guardrails.dev", "v1alpha1", "*", ["environments"], CreateAndUpdate);

    /// <summary>
    /// Both webhooks, whenever a rule allows exceptions: /mutate records who asked and approved from userInfo,
    /// /validate judges the exception and the record.
    /// </summary>
    public static WebhookRule PolicyExceptions { get; } = new("guardrails.dev", "v1alpha1", "Namespaced", ["policyexceptions"], CreateAndUpdate);

    // Validated only: an HPA cannot be refused for what its controller scales to later, but a maxReplicas that cannot
    // fit gets a warning from the rules that judge replica changes.
    private static readonly WebhookRule Autoscalers = new("autoscaling", "v2", "Namespaced", ["horizontalpodautoscalers"], CreateAndUpdate);

    /// <summary>What the shipped rules can need: every pod-bearing kind, mutating included (for when a pack turns defaults on).</summary>
    public static WebhookRuleSet Default { get; } = new([.. For([Match.PodBearing]), Autoscalers, Environments], For([Match.PodBearing]));

    public static WebhookRuleSet From(CompiledPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var mutating = policy.MutatingMatches;
        List<WebhookRule> validating = [.. For(policy.Matches)];
        if (policy.JudgesReplicaChanges)
        {
            validating.Add(Autoscalers);
        }

        validating.Add(Environments);
        if (!policy.AllowsExceptions)
        {
            return new WebhookRuleSet(validating, mutating.Count == 0 ? null : For(mutating));
        }

        validating.Add(PolicyExceptions);
        return new WebhookRuleSet(validating, [.. For(mutating), PolicyExceptions]);
    }

    private static List<WebhookRule> For(IEnumerable<Match> matches)
    {
        // Per API group and set of operations, the resources to send; pod-bearing kinds keep the subresources the
        // webhook judges (ephemeral containers, and scale, which changes how many pods a workload runs).
        var byGroup = new SortedDictionary<(string Group, string Operations), SortedSet<string>>();
        foreach (var match in matches)
        {
            var operations = string.Join(",", match.Operations.Select(o => o.ToString().ToUpperInvariant()).Order(StringComparer.Ordinal));
            foreach (var pattern in match.KindPatterns)
            {
                if (!byGroup.TryGetValue((pattern.Group, operations), out var resources))
                {
                    byGroup[(pattern.Group, operations)] = resources = new SortedSet<string>(StringComparer.Ordinal);
                }

                resources.UnionWith(Resources(pattern));
            }
        }

        return byGroup.Select(entry =>
        {
            var (group, operations) = entry.Key;
            var resources = entry.Value.Contains("*") ? ["*"] : Ordered(group, entry.Value);
            var builtIn = WorkloadKind.All.Any(k => k.Group == group) && !resources.Contains("*");

            // Pod-bearing kinds are all namespaced; any other kind may be cluster-scoped (Namespace, a CRD).
            var podBearingOnly = resources.All(r => WorkloadKind.All.Any(k => k.Group == group && k.Plural == r.Split('/')[0]));
            return new WebhookRule(
                group,
                builtIn ? "v1" : "*",
                podBearingOnly ? "Namespaced" : "*",
                resources,
                operations.Split(','));
        }).OrderBy(r => GroupOrder(r.Group)).ThenBy(r => r.Group, StringComparer.Ordinal).ToList();
    }

    private static IEnumerable<string> Resources(KindPattern pattern)
    {
        yield return pattern.Resource;
        switch (WorkloadKind.Find(pattern.Group, pattern.Kind))
        {
            case { } kind when kind == WorkloadKind.Pod:
                yield return "pods/ephemeralcontainers";
                break;
            case { } kind when kind == WorkloadKind.Deployment || kind == WorkloadKind.StatefulSet || kind == WorkloadKind.ReplicaSet || kind == WorkloadKind.ReplicationController:
                yield return $"{kind.Plural}/scale";
                break;
            default:
                break;
        }
    }

    /// <summary>Pod-bearing kinds in the order people read them (pods first, as the chart lists them); others by name.</summary>
    private static List<string> Ordered(string group, IEnumerable<string> resources)
    {
        var order = WorkloadKind.All.Where(k => k.Group == group).Select(k => k.Plural).ToList();
        int Rank(string resource)
        {
            var index = order.IndexOf(resource.Split('/')[0]);
            return index < 0 ? int.MaxValue : index;
        }

        return [.. resources.OrderBy(Rank).ThenBy(r => r, StringComparer.Ordinal)];
    }

    private static int GroupOrder(string group) => group switch
    {
        "" => 0,
        "apps" => 1,
        "batch" => 2,
        _ => 3,
    };
}
