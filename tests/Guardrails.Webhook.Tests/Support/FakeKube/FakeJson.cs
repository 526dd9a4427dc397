using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Guardrails.Webhook.Tests.Support.FakeKube;

internal static class FakeJson
{
    public static byte[] ToUtf8(JsonNode node)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            node.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A detached, fully built object from whatever a test hands over: a node, an element, JSON text or a plain object.</summary>
    public static JsonObject ToObject(object value) => value switch
    {
        JsonObject node => (JsonObject)node.DeepClone(),
        JsonNode node => throw new ArgumentException($"expected a JSON object, got {node.GetValueKind()}", nameof(value)),
        JsonElement element => JsonNode.Parse(element.GetRawText()) as JsonObject ?? throw new ArgumentException("expected a JSON object", nameof(value)),
        string text => JsonNode.Parse(text) as JsonObject ?? throw new ArgumentException("expected a JSON object", nameof(value)),
        _ => JsonSerializer.SerializeToNode(value) as JsonObject ?? throw new ArgumentException("expected something that serializes to a JSON object", nameof(value)),
    };

    public static string? String(JsonNode? node, params string[] path)
    {
        foreach (var step in path)
        {
            node = (node as JsonObject)?[step];
        }

        return node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
    }

    public static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject metadata)
        {
            return metadata;
        }

        metadata = [];
        obj["metadata"] = metadata;
        return metadata;
    }

    /// <summary>RFC 7386 JSON merge patch: objects merge key by key, null deletes, anything else replaces.</summary>
    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                var current = result[key];
                result.Remove(key);
                result[key] = MergePatch(current?.DeepClone(), value);
            }
        }

        return result;
    }
}
