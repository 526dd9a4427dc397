using System.Text.Json;
using Guardrails.Webhook.Cluster.Api;

namespace Guardrails.Webhook.Cluster;

/// <summary>Where a <see cref="WatchCache"/> delivers what it learns. Elements are only valid during the call.</summary>
public interface IWatchSink
{
    void Replace(ResourceType type, IReadOnlyList<JsonElement> items);

    void Upsert(ResourceType type, JsonElement item);

    void Delete(ResourceType type, JsonElement item);
}
