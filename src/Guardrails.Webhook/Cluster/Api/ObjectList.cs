using System.Text.Json;

namespace Guardrails.Webhook.Cluster.Api;

/// <summary>One page of a list response. Owns the parsed document: the items are only valid until it is disposed.</summary>
public sealed class ObjectList : IDisposable
{
    private readonly JsonDocument _document;

    internal ObjectList(JsonDocument document)
    {
        _document = document;
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"a list must be a JSON object, not {root.ValueKind}");
        }

        ResourceVersion = "";
        if (root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
        {
            if (metadata.TryGetProperty("resourceVersion", out var rv) && rv.ValueKind == JsonValueKind.String)
            {
                ResourceVersion = rv.GetString()!;
            }

            // The server sends "" on the last page; callers only need to know whether there is more.
            if (metadata.TryGetProperty("continue", out var next) && next.ValueKind == JsonValueKind.String && next.GetString() is { Length: > 0 } token)
            {
                Continue = token;
            }
        }

        Items = root.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array
            ? [.. items.EnumerateArray()]
            : [];
    }

    public string ResourceVersion { get; }

    /// <summary>The token for the next page; null on the last one.</summary>
    public string? Continue { get; }

    public IReadOnlyList<JsonElement> Items { get; }

    public void Dispose() => _document.Dispose();
}
