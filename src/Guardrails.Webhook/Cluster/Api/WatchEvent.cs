using System.Text.Json;

namespace Guardrails.Webhook.Cluster.Api;

/// <summary>One event of a watch stream.</summary>
public sealed class WatchEvent : IDisposable
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";
    public const string Bookmark = "BOOKMARK";
    public const string Error = "ERROR";

    internal WatchEvent(string type, JsonElement @object)
    {
        Type = type;
        Object = @object;
    }

    /// <summary>ADDED, MODIFIED, DELETED or BOOKMARK (ERROR events are thrown, not yielded).</summary>
    public string Type { get; }

    /// <summary>The object; for a BOOKMARK only its <c>metadata.resourceVersion</c> is meaningful.</summary>
    public JsonElement Object { get; }

    /// <summary>The object's <c>metadata.resourceVersion</c>, where a watcher resumes from; empty when it has none.</summary>
    public string ResourceVersion =>
        Object.ValueKind == JsonValueKind.Object
        && Object.TryGetProperty("metadata", out var metadata)
        && metadata.ValueKind == JsonValueKind.Object
        && metadata.TryGetProperty("resourceVersion", out var rv)
        && rv.ValueKind == JsonValueKind.String
            ? rv.GetString()!
            : "";

    /// <summary>Kept so callers can scope an event with <c>using</c>; the object is not pooled, so there is nothing to free.</summary>
    public void Dispose()
    {
    }
}
