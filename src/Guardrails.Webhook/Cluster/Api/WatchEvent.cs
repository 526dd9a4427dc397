using System.Text.Json;

namespace Guardrails.Webhook.Cluster.Api;

/// <summary>One line of a watch stream. Owns the parsed document: <see cref="Object"/> is only valid until it is disposed.</summary>
public sealed class WatchEvent : IDisposable
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";
    public const string Bookmark = "BOOKMARK";
    public const string Error = "ERROR";

    private readonly JsonDocument _document;

    internal WatchEvent(JsonDocument document, string type, JsonElement @object)
    {
        _document = document;
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

    public void Dispose() => _document.Dispose();
}
