using System.Collections.Immutable;
using Guardrails.Policies.State;

namespace Guardrails.Webhook.Cluster;

/// <summary>An immutable view of the watch caches at one moment, with reservations applied when quota is read.</summary>
internal sealed class LiveClusterSnapshot : IClusterSnapshot
{
    private readonly ImmutableDictionary<string, NamespaceInfo> _namespaces;
    private readonly ImmutableDictionary<string, ImmutableDictionary<string, ResourceQuotaState>> _quotas;
    private readonly ImmutableDictionary<string, ImmutableDictionary<string, LimitRangeDefaults>> _limitRanges;
    private readonly ImmutableDictionary<string, ImmutableDictionary<string, WorkloadSummary>> _workloads;
    private readonly QuotaReservations _reservations;
    private readonly AdmittedWorkloads _admitted;

    public LiveClusterSnapshot(
        ImmutableDictionary<string, NamespaceInfo> namespaces,
        ImmutableDictionary<string, ImmutableDictionary<string, ResourceQuotaState>> quotas,
        ImmutableDictionary<string, ImmutableDictionary<string, LimitRangeDefaults>> limitRanges,
        ImmutableDictionary<string, ImmutableDictionary<string, WorkloadSummary>> workloads,
        QuotaReservations reservations,
        AdmittedWorkloads admitted,
        string? unavailable)
    {
        _namespaces = namespaces;
        _quotas = quotas;
        _limitRanges = limitRanges;
        _workloads = workloads;
        _reservations = reservations;
        _admitted = admitted;
        Unavailable = unavailable;
    }

    // What was admitted moments ago is newer than what the watch last delivered, so it is asked first.
    public WorkloadSummary? GetWorkload(string @namespace, string uid) =>
        _admitted.Get(@namespace, uid) ?? _workloads.GetValueOrDefault(@namespace)?.GetValueOrDefault(uid);

    public WorkloadSummary? FindWorkload(string @namespace, string kind, string name) =>
        Merged(@namespace).FirstOrDefault(w => w.Kind.Kind == kind && w.Name == name);

    public IReadOnlyList<WorkloadSummary> ChildrenOf(string @namespace, string ownerUid) =>
        [.. Merged(@namespace).Where(w => w.Controller?.Uid == ownerUid)];

    public IReadOnlyList<WorkloadSummary> WorkloadsIn(string @namespace) => [.. Merged(@namespace)];

    /// <summary>
    /// With matchLabels, the cached workloads carrying its rarest pair (from the namespace's pod-label index) plus what
    /// was admitted moments ago; with only matchExpressions, every workload of the namespace.
    /// </summary>
    public IReadOnlyList<WorkloadSummary> WorkloadCandidates(string @namespace, Policies.Packs.LabelSelector selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var cached = _workloads.GetValueOrDefault(@namespace);
        if (selector.MatchLabels.Count == 0 || cached is null)
        {
            return WorkloadsIn(@namespace);
        }

        var index = PodLabelIndex.For(cached);
        IReadOnlyList<WorkloadSummary>? fewest = null;
        foreach (var (key, value) in selector.MatchLabels)
        {
            var carrying = index.With(key, value);
            if (fewest is null || carrying.Count < fewest.Count)
            {
                fewest = carrying;
            }
        }

        var admitted = _admitted.InNamespace(@namespace);
        if (admitted.Count == 0)
        {
            return fewest!;
        }

        // What was admitted moments ago replaces its cached copy, whose labels may have changed since.
        HashSet<string> newer = [.. admitted.Select(a => a.Uid)];
        return [.. fewest!.Where(w => !newer.Contains(w.Uid)), .. admitted];
    }

    private IEnumerable<WorkloadSummary> Merged(string @namespace)
    {
        var admitted = _admitted.InNamespace(@namespace);
        var cached = _workloads.GetValueOrDefault(@namespace);
        if (cached is not null)
        {
            // Budgets match against every workload of a namespace (thousands): no per-workload search when nothing
            // was admitted moments ago, which is nearly always.
            HashSet<string>? newer = admitted.Count == 0 ? null : [.. admitted.Select(a => a.Uid)];
            foreach (var workload in cached.Values)
            {
                if (newer is null || !newer.Contains(workload.Uid))
                {
                    yield return workload;
                }
            }
        }

        foreach (var workload in admitted)
        {
            yield return workload;
        }
    }

    public string? Unavailable { get; }

    internal ImmutableDictionary<string, DisruptionBudgetSummary[]> DisruptionBudgets { get; init; } =
        ImmutableDictionary<string, DisruptionBudgetSummary[]>.Empty;

    internal ImmutableDictionary<string, NetworkPolicySummary[]> NetworkPolicies { get; init; } =
        ImmutableDictionary<string, NetworkPolicySummary[]>.Empty;

    public IReadOnlyList<DisruptionBudgetSummary> DisruptionBudgetsIn(string @namespace) =>
        NamespacedSummaries<DisruptionBudgetSummary>.In(DisruptionBudgets, @namespace);

    public IReadOnlyList<NetworkPolicySummary> NetworkPoliciesIn(string @namespace) =>
        NamespacedSummaries<NetworkPolicySummary>.In(NetworkPolicies, @namespace);

    public NamespaceInfo? GetNamespace(string name) => _namespaces.GetValueOrDefault(name);

    public NamespaceQuota GetQuota(string @namespace)
    {
        var quotas = _quotas.GetValueOrDefault(@namespace);
        var limitRanges = _limitRanges.GetValueOrDefault(@namespace);
        if (quotas is null && limitRanges is null)
        {
            return NamespaceQuota.None;
        }

        var withReservations = quotas is null
            ? []
            : quotas.Values
                .OrderBy(q => q.Name, StringComparer.Ordinal)
                .Select(q => _reservations.ReservedFor(@namespace, q.Name, q.Used) is { } reserved ? q with { Reserved = reserved } : q)
                .ToList();
        return new NamespaceQuota(withReservations, limitRanges is null ? [] : [.. limitRanges.Values.OrderBy(l => l.Name, StringComparer.Ordinal)]);
    }
}
