using System.Collections.Immutable;
using System.Text.Json;
using Guardrails.Policies.State;
using Guardrails.Policies.Resources;
using Guardrails.Webhook.Cluster.Api;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Cluster;

/// <summary>
/// Cluster state kept by watches: Namespaces (labels feed pack selectors), ResourceQuotas and LimitRanges, workloads,
/// and the PodDisruptionBudgets and NetworkPolicies the day2 rules judge changes against.
/// Writers (one per watch) swap immutable maps; the admission path only ever reads a snapshot.
/// </summary>
public sealed partial class LiveClusterState : IClusterStateSource, IWatchSink
{
    private readonly Lock _write = new();
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _staleAfter;
    private ImmutableDictionary<string, NamespaceInfo> _namespaces = ImmutableDictionary.Create<string, NamespaceInfo>(StringComparer.Ordinal);
    private ImmutableDictionary<string, ImmutableDictionary<string, ResourceQuotaState>> _quotas = ImmutableDictionary.Create<string, ImmutableDictionary<string, ResourceQuotaState>>(StringComparer.Ordinal);
    private ImmutableDictionary<string, ImmutableDictionary<string, LimitRangeDefaults>> _limitRanges = ImmutableDictionary.Create<string, ImmutableDictionary<string, LimitRangeDefaults>>(StringComparer.Ordinal);
    private ImmutableDictionary<string, ImmutableDictionary<string, WorkloadSummary>> _workloads = ImmutableDictionary.Create<string, ImmutableDictionary<string, WorkloadSummary>>(StringComparer.Ordinal);

    public LiveClusterState(QuotaReservations reservations, ILogger<LiveClusterState> logger, TimeProvider time, TimeSpan staleAfter, AdmittedWorkloads? admitted = null)
    {
        Reservations = reservations;
        Admitted = admitted ?? new AdmittedWorkloads(time, TimeSpan.FromSeconds(30));
        _logger = logger;
        _time = time;
        _staleAfter = staleAfter;
    }

    public QuotaReservations Reservations { get; }

    /// <summary>Workloads admitted moments ago that the watch has not delivered yet.</summary>
    public AdmittedWorkloads Admitted { get; }

    /// <summary>PodDisruptionBudgets by namespace and name: selector and minAvailable / maxUnavailable only.</summary>
    public NamespacedSummaries<DisruptionBudgetSummary> DisruptionBudgets { get; } = new(item => DisruptionBudgetSummary.Read(item));

    /// <summary>NetworkPolicies by namespace and name: podSelector, whether they isolate for ingress, and whom they admit.</summary>
    public NamespacedSummaries<NetworkPolicySummary> NetworkPolicies { get; } = new(item => NetworkPolicySummary.Read(item));

    public IReadOnlyList<WatchCache> Caches { get; private set; } = [];

    public bool IsSynced => Caches.Count > 0 && Caches.All(c => c.Synced);

    public IClusterSnapshot Current => Snapshot(Unavailable());

    public int NamespaceCount => _namespaces.Count;

    public int QuotaCount => _quotas.Values.Sum(q => q.Count);

    public int WorkloadCount => _workloads.Values.Sum(w => w.Count);

    internal void Attach(IReadOnlyList<WatchCache> caches) => Caches = caches;

    public void Replace(ResourceType type, IReadOnlyList<JsonElement> items)
    {
        lock (_write)
        {
            if (type == ResourceType.Namespaces)
            {
                _namespaces = items.Select(StateReader.ReadNamespace).ToImmutableDictionary(n => n.Name, StringComparer.Ordinal);
            }
            else if (type == ResourceType.ResourceQuotas)
            {
                _quotas = Group(items.Select(i => Read(i, StateReader.ReadQuota)).OfType<ResourceQuotaState>(), q => q.Namespace, q => q.Name);
            }
            else if (type == ResourceType.LimitRanges)
            {
                var byNamespace = new Dictionary<string, Dictionary<string, LimitRangeDefaults>>(StringComparer.Ordinal);
                foreach (var item in items)
                {
                    if (Read(item, StateReader.ReadLimitRange) is { } defaults)
                    {
                        var ns = StateReader.Identity(item).Namespace;
                        if (!byNamespace.TryGetValue(ns, out var ranges))
                        {
                            byNamespace[ns] = ranges = new Dictionary<string, LimitRangeDefaults>(StringComparer.Ordinal);
                        }

                        ranges[defaults.Name] = defaults;
                    }
                }

                _limitRanges = byNamespace.ToImmutableDictionary(p => p.Key, p => p.Value.ToImmutableDictionary(StringComparer.Ordinal), StringComparer.Ordinal);
            }
            else if (WorkloadResourceTypes.IsWorkload(type))
            {
                ReplaceWorkloads(type, items);
            }
        }
    }

    public void Upsert(ResourceType type, JsonElement item)
    {
        lock (_write)
        {
            var (name, ns) = StateReader.Identity(item);
            if (type == ResourceType.Namespaces)
            {
                _namespaces = _namespaces.SetItem(name, StateReader.ReadNamespace(item));
            }
            else if (type == ResourceType.ResourceQuotas && Read(item, StateReader.ReadQuota) is { } quota)
            {
                _quotas = _quotas.SetItem(ns, (_quotas.GetValueOrDefault(ns) ?? Empty<ResourceQuotaState>()).SetItem(name, quota));
                Reservations.QuotaObserved(ns, name, quota.Used);
            }
            else if (type == ResourceType.LimitRanges)
            {
                var inner = (_limitRanges.GetValueOrDefault(ns) ?? Empty<LimitRangeDefaults>()).Remove(name);
                if (Read(item, StateReader.ReadLimitRange) is { } defaults)
                {
                    inner = inner.SetItem(name, defaults);
                }

                _limitRanges = _limitRanges.SetItem(ns, inner);
            }
            else if (WorkloadResourceTypes.IsWorkload(type))
            {
                var summary = Summarize(item);
                var inner = _workloads.GetValueOrDefault(ns) ?? Empty<WorkloadSummary>();
                _workloads = _workloads.SetItem(ns, summary is null ? inner : inner.SetItem(summary.Uid, summary));
                if (summary is not null)
                {
                    Admitted.Observed(ns, summary.Uid, summary.ResourceVersion);
                }
            }
        }
    }

    public void Delete(ResourceType type, JsonElement item)
    {
        lock (_write)
        {
            var (name, ns) = StateReader.Identity(item);
            if (type == ResourceType.Namespaces)
            {
                _namespaces = _namespaces.Remove(name);
            }
            else if (type == ResourceType.ResourceQuotas && _quotas.TryGetValue(ns, out var quotas))
            {
                _quotas = _quotas.SetItem(ns, quotas.Remove(name));
            }
            else if (type == ResourceType.LimitRanges && _limitRanges.TryGetValue(ns, out var ranges))
            {
                _limitRanges = _limitRanges.SetItem(ns, ranges.Remove(name));
            }
            else if (WorkloadResourceTypes.IsWorkload(type) && item.Child("metadata"u8).Child("uid"u8).AsString() is { } uid)
            {
                if (_workloads.TryGetValue(ns, out var workloads))
                {
                    var remaining = workloads.Remove(uid);
                    _workloads = remaining.IsEmpty ? _workloads.Remove(ns) : _workloads.SetItem(ns, remaining);
                }

                Admitted.Observed(ns, uid, null, deleted: true);
            }
        }
    }

    /// <summary>A relist of one workload kind replaces that kind's summaries in every namespace and keeps the other kinds'.</summary>
    private void ReplaceWorkloads(ResourceType type, IReadOnlyList<JsonElement> items)
    {
        var builder = _workloads.ToBuilder();
        foreach (var (ns, workloads) in _workloads)
        {
            var others = workloads.RemoveRange(workloads.Where(w => w.Value.Kind.Kind == type.Kind).Select(w => w.Key));
            if (others.IsEmpty)
            {
                builder.Remove(ns);
            }
            else
            {
                builder[ns] = others;
            }
        }

        foreach (var item in items)
        {
            if (Summarize(item) is { } summary)
            {
                builder[summary.Namespace] = (builder.GetValueOrDefault(summary.Namespace) ?? Empty<WorkloadSummary>()).SetItem(summary.Uid, summary);
            }
        }

        _workloads = builder.ToImmutable();
    }

    /// <summary>Per-pod demand is computed here, once, with the namespace's LimitRange defaults as they are now.</summary>
    private WorkloadSummary? Summarize(JsonElement item)
    {
        var ns = StateReader.Identity(item).Namespace;
        var limitRanges = _limitRanges.GetValueOrDefault(ns);
        return WorkloadSummary.Read(item, limitRanges is null ? [] : [.. limitRanges.Values.OrderBy(l => l.Name, StringComparer.Ordinal)]);
    }

    /// <summary>
    /// The caches as they are now, reporting <paramref name="unavailable"/> as the reason they cannot be trusted.
    /// Tests and benchmarks that fill the caches by hand (no watches) ask for one with none.
    /// </summary>
    internal IClusterSnapshot Snapshot(string? unavailable) =>
        new LiveClusterSnapshot(_namespaces, _quotas, _limitRanges, _workloads, Reservations, Admitted, unavailable)
        {
            DisruptionBudgets = DisruptionBudgets.Current,
            NetworkPolicies = NetworkPolicies.Current,
        };

    /// <summary>Null while every cache is synced and healthy; otherwise a reason a person can act on.</summary>
    private string? Unavailable()
    {
        var caches = Caches;
        if (caches.Count == 0)
        {
            return "no watches running";
        }

        // Asked on every admission request: the healthy case reads a few flags and allocates nothing.
        var healthy = true;
        for (var i = 0; i < caches.Count; i++)
        {
            healthy &= caches[i].Synced && caches[i].Failing is null;
        }

        if (healthy)
        {
            return null;
        }

        var unsynced = caches.Where(c => !c.Synced).Select(c => c.Type.Plural).ToList();
        if (unsynced.Count > 0)
        {
            return $"cluster state has not synced yet ({string.Join(", ", unsynced)})";
        }

        var now = _time.GetUtcNow();
        foreach (var cache in caches)
        {
            if (cache.Failing is { } failing && now - failing.Since > _staleAfter)
            {
                return $"the watch for {cache.Type.Plural} has been failing for {(now - failing.Since).TotalSeconds:0}s: {failing.Reason}";
            }
        }

        return null;
    }

    private T? Read<T>(JsonElement item, Func<JsonElement, string, T?> reader)
        where T : class
    {
        try
        {
            return reader(item, "default");
        }
        catch (ClusterStateException ex)
        {
            // One malformed object must not stop the watch; it is left out and said so.
            LogSkipped(_logger, ex.Message);
            return null;
        }
    }

    private static ImmutableDictionary<string, T> Empty<T>() => ImmutableDictionary.Create<string, T>(StringComparer.Ordinal);

    private static ImmutableDictionary<string, ImmutableDictionary<string, T>> Group<T>(IEnumerable<T> items, Func<T, string> outer, Func<T, string> inner) =>
        items.GroupBy(outer, StringComparer.Ordinal)
            .ToImmutableDictionary(g => g.Key, g => g.ToImmutableDictionary(inner, StringComparer.Ordinal), StringComparer.Ordinal);

    [LoggerMessage(EventId = 310, Level = LogLevel.Warning, Message = "Ignoring a malformed object from the cluster: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string reason);
}
