using System.Collections.Frozen;
using System.Text.Json;
using Guardrails.Policies.Resources;

namespace Guardrails.Policies.State;

/// <summary>
/// An immutable snapshot built from Kubernetes objects: Namespaces, ResourceQuotas, LimitRanges, workloads (with a
/// uid), PodDisruptionBudgets and NetworkPolicies.
/// </summary>
public sealed class ClusterSnapshot : IClusterSnapshot
{
    public static readonly ClusterSnapshot Empty = new(
        FrozenDictionary<string, NamespaceInfo>.Empty,
        FrozenDictionary<string, NamespaceQuota>.Empty);

    private readonly FrozenDictionary<string, NamespaceInfo> _namespaces;
    private readonly FrozenDictionary<string, NamespaceQuota> _quotas;
    private readonly IReadOnlyList<WorkloadSummary> _workloads;
    private readonly IReadOnlyList<DisruptionBudgetSummary> _budgets;
    private readonly IReadOnlyList<NetworkPolicySummary> _networkPolicies;

    public ClusterSnapshot(
        IReadOnlyDictionary<string, NamespaceInfo> namespaces,
        IReadOnlyDictionary<string, NamespaceQuota> quotas,
        IReadOnlyList<WorkloadSummary>? workloads = null,
        IReadOnlyList<DisruptionBudgetSummary>? disruptionBudgets = null,
        IReadOnlyList<NetworkPolicySummary>? networkPolicies = null)
    {
        _namespaces = namespaces.ToFrozenDictionary(StringComparer.Ordinal);
        _quotas = quotas.ToFrozenDictionary(StringComparer.Ordinal);
        _workloads = workloads ?? [];
        _budgets = disruptionBudgets ?? [];
        _networkPolicies = networkPolicies ?? [];
    }

    public WorkloadSummary? GetWorkload(string @namespace, string uid) =>
        _workloads.FirstOrDefault(w => w.Namespace == @namespace && w.Uid == uid);

    public WorkloadSummary? FindWorkload(string @namespace, string kind, string name) =>
        _workloads.FirstOrDefault(w => w.Namespace == @namespace && w.Kind.Kind == kind && w.Name == name);

    public IReadOnlyList<WorkloadSummary> ChildrenOf(string @namespace, string ownerUid) =>
        [.. _workloads.Where(w => w.Namespace == @namespace && w.Controller?.Uid == ownerUid)];

    public IReadOnlyList<WorkloadSummary> WorkloadsIn(string @namespace) =>
        [.. _workloads.Where(w => w.Namespace == @namespace)];

    public IReadOnlyList<DisruptionBudgetSummary> DisruptionBudgetsIn(string @namespace) =>
        [.. _budgets.Where(b => b.Namespace == @namespace)];

    public IReadOnlyList<NetworkPolicySummary> NetworkPoliciesIn(string @namespace) =>
        [.. _networkPolicies.Where(p => p.Namespace == @namespace)];

    public NamespaceInfo? GetNamespace(string name) => _namespaces.GetValueOrDefault(name);

    public NamespaceQuota GetQuota(string @namespace) => _quotas.GetValueOrDefault(@namespace) ?? NamespaceQuota.None;

    public string? Unavailable => null;

    /// <summary>
    /// Reads Namespace, ResourceQuota, LimitRange, workload, PodDisruptionBudget and NetworkPolicy objects (a
    /// <c>kind: List</c> is unwrapped); other kinds are ignored.
    /// Objects without a namespace are placed in <paramref name="defaultNamespace"/>.
    /// </summary>
    /// <exception cref="ClusterStateException">An object is malformed; the message names it and the field.</exception>
    public static ClusterSnapshot FromObjects(IEnumerable<JsonElement> objects, string defaultNamespace = "default")
    {
        var namespaces = new Dictionary<string, NamespaceInfo>(StringComparer.Ordinal);
        var quotas = new Dictionary<string, List<ResourceQuotaState>>(StringComparer.Ordinal);
        var limitRanges = new Dictionary<string, List<LimitRangeDefaults>>(StringComparer.Ordinal);
        var workloads = new List<JsonElement>();
        var budgets = new List<DisruptionBudgetSummary>();
        var networkPolicies = new List<NetworkPolicySummary>();

        foreach (var item in Flatten(objects))
        {
            var (name, ns) = StateReader.Identity(item, defaultNamespace);
            switch (item.Child("kind"u8).AsString())
            {
                case "Namespace":
                    namespaces[name] = StateReader.ReadNamespace(item);
                    break;
                case "ResourceQuota":
                    Add(quotas, ns, StateReader.ReadQuota(item, defaultNamespace));
                    break;
                case "LimitRange":
                    if (StateReader.ReadLimitRange(item, defaultNamespace) is { } limits)
                    {
                        Add(limitRanges, ns, limits);
                    }

                    break;
                case "PodDisruptionBudget" when item.Child("apiVersion"u8).AsString()?.StartsWith("policy/", StringComparison.Ordinal) == true:
                    budgets.Add(DisruptionBudgetSummary.Read(item, defaultNamespace));
                    break;
                case "NetworkPolicy" when item.Child("apiVersion"u8).AsString()?.StartsWith("networking.k8s.io/", StringComparison.Ordinal) == true:
                    networkPolicies.Add(NetworkPolicySummary.Read(item, defaultNamespace));
                    break;
                default:
                    if (WorkloadKind.FromApiVersion(item.Child("apiVersion"u8).AsString(), item.Child("kind"u8).AsString()) is not null)
                    {
                        workloads.Add(item);
                    }

                    break;
            }
        }

        var byNamespace = quotas.Keys.Union(limitRanges.Keys).ToDictionary(
            ns => ns,
            ns => new NamespaceQuota(
                quotas.TryGetValue(ns, out var q) ? q : [],
                limitRanges.TryGetValue(ns, out var l) ? l : []),
            StringComparer.Ordinal);
        // Summaries after every LimitRange is known: their per-pod demand includes the defaults.
        var summaries = workloads
            .Select(w => WorkloadSummary.Read(w, limitRanges.GetValueOrDefault(StateReader.Identity(w, defaultNamespace).Namespace) ?? [], defaultNamespace))
            .OfType<WorkloadSummary>()
            .ToList();
        return new ClusterSnapshot(namespaces, byNamespace, summaries, budgets, networkPolicies);
    }

    private static IEnumerable<JsonElement> Flatten(IEnumerable<JsonElement> objects)
    {
        foreach (var item in objects)
        {
            if (item.Child("kind"u8).AsString() is "List" or "ResourceQuotaList" or "LimitRangeList" or "NamespaceList" or "PodDisruptionBudgetList" or "NetworkPolicyList"
                && item.Child("items"u8).ValueKind == JsonValueKind.Array)
            {
                foreach (var inner in item.Child("items"u8).EnumerateArray())
                {
                    yield return inner;
                }
            }
            else
            {
                yield return item;
            }
        }
    }

    private static void Add<T>(Dictionary<string, List<T>> map, string key, T value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }
}
