using System.Collections.Immutable;
using System.Text.Json;
using Guardrails.Policies.State;
using Guardrails.Webhook.Cluster.Api;

namespace Guardrails.Webhook.Cluster;

/// <summary>
/// A watch sink that keeps one summary per object of one namespaced type (by namespace, then name), never the body:
/// PodDisruptionBudgets and NetworkPolicies, for rules that judge a change against the others of its namespace.
/// Writers swap immutable maps; a snapshot holds the map it was given.
/// </summary>
public sealed class NamespacedSummaries<T> : IWatchSink
    where T : class
{
    private readonly Lock _write = new();
    private readonly Func<JsonElement, T> _read;
    private ImmutableDictionary<string, ImmutableDictionary<string, T>> _items = ImmutableDictionary.Create<string, ImmutableDictionary<string, T>>(StringComparer.Ordinal);

    public NamespacedSummaries(Func<JsonElement, T> read)
    {
        _read = read;
    }

    public ImmutableDictionary<string, ImmutableDictionary<string, T>> Current => _items;

    public int Count => _items.Values.Sum(i => i.Count);

    public void Replace(ResourceType type, IReadOnlyList<JsonElement> items)
    {
        var byNamespace = new Dictionary<string, ImmutableDictionary<string, T>.Builder>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var (name, ns) = StateReader.Identity(item);
            if (!byNamespace.TryGetValue(ns, out var inner))
            {
                byNamespace[ns] = inner = ImmutableDictionary.CreateBuilder<string, T>(StringComparer.Ordinal);
            }

            inner[name] = _read(item);
        }

        lock (_write)
        {
            _items = byNamespace.ToImmutableDictionary(p => p.Key, p => p.Value.ToImmutable(), StringComparer.Ordinal);
        }
    }

    public void Upsert(ResourceType type, JsonElement item)
    {
        var (name, ns) = StateReader.Identity(item);
        var summary = _read(item);
        lock (_write)
        {
            _items = _items.SetItem(ns, (_items.GetValueOrDefault(ns) ?? ImmutableDictionary.Create<string, T>(StringComparer.Ordinal)).SetItem(name, summary));
        }
    }

    public void Delete(ResourceType type, JsonElement item)
    {
        var (name, ns) = StateReader.Identity(item);
        lock (_write)
        {
            if (_items.TryGetValue(ns, out var inner))
            {
                var remaining = inner.Remove(name);
                _items = remaining.IsEmpty ? _items.Remove(ns) : _items.SetItem(ns, remaining);
            }
        }
    }

    /// <summary>A namespace's summaries ordered by name, so messages listing several come out the same every time.</summary>
    public static IReadOnlyList<T> In(ImmutableDictionary<string, ImmutableDictionary<string, T>> items, string @namespace) =>
        items.GetValueOrDefault(@namespace) is { } inner ? [.. inner.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value)] : [];
}
