using Guardrails.Policies.Authoring;
using Guardrails.Policies.Engine;
using Guardrails.Policies.State;

namespace Guardrails.Policies.Rules.NetworkPolicyKeepsPlatformAccess;

/// <summary>
/// A NetworkPolicy change must not leave pods unreachable from the platform's namespaces (monitoring scrapes them,
/// the ingress controller routes to them). Judged over the namespace's policies as they would be after the change —
/// the others from the NetworkPolicy cache, this one replaced on CREATE and UPDATE or removed on DELETE — by
/// Kubernetes' union semantics, for the pods of every workload in the namespace (their template labels) and for a
/// pod no label selects (what any new pod gets). Only what the change breaks is refused: pods that were already
/// shut out before it are warned about when the change touches them.
/// </summary>
[Rule("network-policy-keeps-platform-access", Summary = "A NetworkPolicy change leaves every pod reachable from the platform's namespaces (monitoring).")]
public sealed class NetworkPolicyKeepsPlatformAccessRule : Rule
{
    private const string MetadataName = "kubernetes.io/metadata.name";
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    private readonly NetworkPolicyKeepsPlatformAccessParameters _parameters;

    public NetworkPolicyKeepsPlatformAccessRule(NetworkPolicyKeepsPlatformAccessParameters parameters)
    {
        _parameters = parameters;
    }

    public override Match Match { get; } = Match.Kinds("networking.k8s.io/NetworkPolicy")
        .On(AdmissionOperation.Create, AdmissionOperation.Update, AdmissionOperation.Delete);

    public override void Check(RuleContext context)
    {
        var ns = context.Namespace;
        if (_parameters.PlatformNamespaces.Count == 0 || _parameters.PlatformNamespaces.Contains(ns))
        {
            return;
        }

        var name = context.Object.Name ?? "";
        var deleting = context.Operation == AdmissionOperation.Delete;
        var path = deleting ? "metadata.name" : "spec";
        if (context.Cluster.Unavailable is { } unavailable)
        {
            context.Warn(path, name, $"NetworkPolicy {name} could not be judged against the other policies of namespace {ns}: {unavailable}", "retry once the cluster state has synced");
            return;
        }

        var others = context.Cluster.NetworkPoliciesIn(ns).Where(p => p.Name != name).ToList();
        var cached = context.Cluster.NetworkPoliciesIn(ns).FirstOrDefault(p => p.Name == name);
        var old = context.OldObject is { } oldObject ? NetworkPolicySummary.Read(oldObject.Root.Element, ns) : cached;
        var changed = deleting ? null : NetworkPolicySummary.Read(context.Object.Root.Element, ns);
        List<NetworkPolicySummary> before = old is null ? others : [.. others, old];
        List<NetworkPolicySummary> after = changed is null ? others : [.. others, changed];

        var platform = _parameters.PlatformNamespaces.Select(PlatformLabels(context.Cluster)).ToList();
        foreach (var (who, labels) in PodGroups(context.Cluster, ns))
        {
            var (isolatedAfter, reachableAfter) = IngressReach.Judge(after, labels, platform);
            if (isolatedAfter.Count == 0 || reachableAfter)
            {
                continue;
            }

            var (isolatedBefore, reachableBefore) = IngressReach.Judge(before, labels, platform);
            var wasReachable = isolatedBefore.Count == 0 || reachableBefore;
            var touched = (changed?.Selects(labels) ?? false) || (old?.Selects(labels) ?? false);
            if (!wasReachable && !touched)
            {
                continue;
            }

            var platformText = string.Join(", ", _parameters.PlatformNamespaces);
            var what = deleting
                ? $"deleting NetworkPolicy {name} leaves {who} in namespace {ns}"
                : $"with NetworkPolicy {name} as written, {who} in namespace {ns} are";
            var message = $"{what} isolated for ingress (by {string.Join(", ", isolatedAfter.Order(StringComparer.Ordinal))}) with no policy selecting them that allows ingress from the platform namespaces ({platformText}), so {platformText} can no longer reach them";
            var fix = deleting
                ? $"keep NetworkPolicy {name}, or first add a policy selecting these pods with an ingress rule from namespaceSelector {{matchLabels: {{{MetadataName}: {_parameters.PlatformNamespaces[0]}}}}}"
                : $"add an ingress rule `from: [{{namespaceSelector: {{matchLabels: {{{MetadataName}: {_parameters.PlatformNamespaces[0]}}}}}}}]` to this policy, or a separate NetworkPolicy selecting these pods with one (policies add up)";
            if (wasReachable)
            {
                context.Report(path, deleting ? name : Describe(changed!), message, fix);
            }
            else
            {
                context.Warn(path, deleting ? name : Describe(changed!), $"{message} (they were already before this change)", fix);
            }
        }
    }

    /// <summary>Each workload's pods by their template labels (the top of each owner chain), then a pod without labels.</summary>
    private static IEnumerable<(string Who, IReadOnlyDictionary<string, string> Labels)> PodGroups(IClusterSnapshot cluster, string ns)
    {
        foreach (var workload in cluster.WorkloadsIn(ns).Where(w => w.Controller is null).OrderBy(w => w.Kind.Kind, StringComparer.Ordinal).ThenBy(w => w.Name, StringComparer.Ordinal))
        {
            yield return ($"the pods of {workload.Kind.Kind} {workload.Name}", new PairLabels(workload.PodLabels));
        }

        yield return ("pods that no label selects (any new pod)", NoLabels);
    }

    private static Func<string, IReadOnlyDictionary<string, string>> PlatformLabels(IClusterSnapshot cluster) => name =>
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { [MetadataName] = name };
        foreach (var (key, value) in cluster.GetNamespace(name)?.Labels ?? NoLabels)
        {
            labels[key] = value;
        }

        return labels;
    };

    private static string Describe(NetworkPolicySummary policy) =>
        $"podSelector {SelectorReader.Describe(policy.PodSelector)}, {policy.Ingress.Count} ingress rule(s){(policy.IsolatesIngress ? "" : ", not isolating ingress")}";
}
