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

    // What decisions read, rebuilt per namespace on each write (rare) so a read sorts and allocates nothing.
    private ImmutableDictionary<string, T[]> _ordered = ImmutableDictionary.Create<string, T[]>(StringComparer.Ordinal);

    public NamespacedSummaries(Func<JsonElement, T> read)
    {
        _read = read;
    }

    /// <summary>Each namespace's summaries ordered by name, so messages listing several come out the same every time.</summary>
    public ImmutableDictionary<string, T[]> Current => _ordered;

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
            _ordered = _items.ToImmutableDictionary(p => p.Key, p => Ordered(p.Value), StringComparer.Ordinal);
        }
    }

    public void Upsert(ResourceType type, JsonElement item)
    {
        var (name, ns) = StateReader.Identity(item);
        var summary = _read(item);
        lock (_write)
        {
            var inner = (_items.GetValueOrDefault(ns) ?? ImmutableDictionary.Create<string, T>(StringComparer.Ordinal)).SetItem(name, summary);
            _items = _items.SetItem(ns, inner);
            _ordered = _ordered.SetItem(ns, Ordered(inner));
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
                _ordered = remaining.IsEmpty ? _ordered.Remove(ns) : _ordered.SetItem(ns, Ordered(remaining));
            }
        }
    }

    /// <summary>A namespace's summaries from <see cref="Current"/>; shared, never to be written to.</summary>
    public static IReadOnlyList<T> In(ImmutableDictionary<string, T[]> ordered, string @namespace) =>
        ordered.TryGetValue(@namespace, out var items) ? items : [];

    private static T[] Ordered(ImmutableDictionary<string, T> inner) =>
        [.. inner.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value)];
}
