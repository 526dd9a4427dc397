using System.Collections.Immutable;
using System.Text.Json;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Cluster.Api;

namespace Guardrails.Webhook.Provisioning;

/// <summary>Environments as the watch last saw them (raw JSON by name); every change names the Environment to reconcile.</summary>
public sealed class EnvironmentCache : IWatchSink
{
    private ImmutableDictionary<string, CachedEnvironment> _byName = ImmutableDictionary.Create<string, CachedEnvironment>(StringComparer.Ordinal);

    public event Action<string>? Changed;

    public bool Synced { get; private set; }

    public IReadOnlyCollection<string> Names => _byName.Keys.ToList();

    /// <summary>A fresh document over the last seen state; the caller disposes it.</summary>
    public JsonDocument? Get(string name) => _byName.TryGetValue(name, out var cached) ? JsonDocument.Parse(cached.Json) : null;

    /// <summary>The requests that hold part of a team's budget, other than <paramref name="except"/>'s, parsed when they arrived.</summary>
    public IEnumerable<EnvironmentRequest> HoldingBudget(string team, string except) =>
        _byName.Where(p => p.Key != except).Select(p => p.Value.HoldingBudget).OfType<EnvironmentRequest>().Where(r => r.Team == team);

    public void Replace(ResourceType type, IReadOnlyList<JsonElement> items)
    {
        var before = _byName;
        _byName = items.ToImmutableDictionary(NameOf, CachedEnvironment.From, StringComparer.Ordinal);
        Synced = true;
        foreach (var name in before.Keys.Union(_byName.Keys))
        {
            Changed?.Invoke(name);
        }
    }

    public void Upsert(ResourceType type, JsonElement item)
    {
        var name = NameOf(item);
        _byName = _byName.SetItem(name, CachedEnvironment.From(item));
        Changed?.Invoke(name);
    }

    public void Delete(ResourceType type, JsonElement item)
    {
        var name = NameOf(item);
        _byName = _byName.Remove(name);
        Changed?.Invoke(name);
    }

    private static string NameOf(JsonElement item) => item.GetProperty("metadata"u8).GetProperty("name"u8).GetString()!;
}
