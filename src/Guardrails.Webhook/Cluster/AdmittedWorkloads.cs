using Guardrails.Policies.State;

namespace Guardrails.Webhook.Cluster;

/// <summary>
/// Workloads Guardrails admitted moments ago that the watch has not delivered yet. A Deployment's ReplicaSet arrives
/// milliseconds after the Deployment, usually before the watch event: without this, the child would find no owner
/// and be charged a second time. An entry ends when the watch delivers a newer version of the object, or after a TTL.
/// </summary>
public sealed class AdmittedWorkloads
{
    private readonly Dictionary<string, Dictionary<string, Entry>> _byNamespace = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _ttl;

    public AdmittedWorkloads(TimeProvider time, TimeSpan ttl)
    {
        _time = time;
        _ttl = ttl;
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byNamespace.Values.Sum(n => n.Count);
            }
        }
    }

    /// <param name="admittedAt">The resourceVersion the object had when it was judged (empty on CREATE).</param>
    public void Admitted(WorkloadSummary summary, string? admittedAt)
    {
        lock (_lock)
        {
            if (!_byNamespace.TryGetValue(summary.Namespace, out var entries))
            {
                _byNamespace[summary.Namespace] = entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
            }

            entries[summary.Uid] = new Entry(summary, admittedAt ?? "", _time.GetUtcNow() + _ttl);
        }
    }

    /// <summary>The watch delivered a version of the object: an entry for an older version is done.</summary>
    public void Observed(string @namespace, string uid, string? resourceVersion, bool deleted = false)
    {
        lock (_lock)
        {
            if (_byNamespace.TryGetValue(@namespace, out var entries) && entries.TryGetValue(uid, out var entry)
                && (deleted || entry.AdmittedAt != (resourceVersion ?? "")))
            {
                entries.Remove(uid);
            }
        }
    }

    public WorkloadSummary? Get(string @namespace, string uid)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            return _byNamespace.TryGetValue(@namespace, out var entries) && entries.TryGetValue(uid, out var entry) && entry.Expires > now
                ? entry.Summary
                : null;
        }
    }

    /// <summary>Live entries of one namespace; empty (and no allocation) when there are none.</summary>
    public IReadOnlyList<WorkloadSummary> InNamespace(string @namespace)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (!_byNamespace.TryGetValue(@namespace, out var entries) || entries.Count == 0)
            {
                return [];
            }

            var expired = entries.Where(e => e.Value.Expires <= now).Select(e => e.Key).ToList();
            foreach (var uid in expired)
            {
                entries.Remove(uid);
            }

            return [.. entries.Values.Select(e => e.Summary)];
        }
    }

    private sealed record Entry(WorkloadSummary Summary, string AdmittedAt, DateTimeOffset Expires);
}
