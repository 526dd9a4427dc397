using System.Globalization;
using System.Text.Json.Nodes;

namespace Guardrails.Policies.Patching;

internal static class JsonPatchApplier
{
    public static JsonNode? Apply(JsonNode? document, PatchOperation operation)
    {
        switch (operation.Op)
        {
            case OperationType.Add:
                return Add(document, operation.Path, operation.Value?.DeepClone());
            case OperationType.Remove:
                Remove(document, operation.Path);
                return document;
            case OperationType.Replace:
                if (operation.Path.Length == 0)
                {
                    return operation.Value?.DeepClone();
                }

                Remove(document, operation.Path);
                return Add(document, operation.Path, operation.Value?.DeepClone());
            case OperationType.Move:
            {
                var value = Get(document, operation.From!);
                Remove(document, operation.From!);
                return Add(document, operation.Path, value);
            }

            case OperationType.Copy:
                return Add(document, operation.Path, Get(document, operation.From!)?.DeepClone());
            case OperationType.Test:
                if (!JsonNode.DeepEquals(Get(document, operation.Path), operation.Value))
                {
                    throw new JsonPatchException($"test failed at '{operation.Path}'");
                }

                return document;
            default:
                throw new JsonPatchException($"unknown operation {operation.Op}");
        }
    }

    private static JsonNode? Add(JsonNode? document, string path, JsonNode? value)
    {
        var segments = JsonPointer.Parse(path);
        if (segments.Length == 0)
        {
            return value;
        }

        var parent = Resolve(document, segments.AsSpan(0, segments.Length - 1), path);
        var last = segments[^1];
        switch (parent)
        {
            case JsonObject obj:
                obj[last] = value;
                break;
            case JsonArray array when last == "-":
                array.Add(value);
                break;
            case JsonArray array:
                var index = ParseIndex(last, array.Count, path, allowEnd: true);
                array.Insert(index, value);
                break;
            default:
                throw new JsonPatchException($"cannot add at '{path}': parent is not an object or array");
        }

        return document;
    }

    private static void Remove(JsonNode? document, string path)
    {
        var segments = JsonPointer.Parse(path);
        if (segments.Length == 0)
        {
            throw new JsonPatchException("cannot remove the whole document");
        }

        var parent = Resolve(document, segments.AsSpan(0, segments.Length - 1), path);
        var last = segments[^1];
        switch (parent)
        {
            case JsonObject obj when obj.ContainsKey(last):
                obj.Remove(last);
                break;
            case JsonArray array:
                array.RemoveAt(ParseIndex(last, array.Count, path, allowEnd: false));
                break;
            default:
                throw new JsonPatchException($"cannot remove '{path}': it does not exist");
        }
    }

    private static JsonNode? Get(JsonNode? document, string path) =>
        Resolve(document, JsonPointer.Parse(path), path);

    private static JsonNode? Resolve(JsonNode? node, ReadOnlySpan<string> segments, string path)
    {
        foreach (var segment in segments)
        {
            node = node switch
            {
                JsonObject obj when obj.TryGetPropertyValue(segment, out var child) => child,
                JsonArray array => array[ParseIndex(segment, array.Count, path, allowEnd: false)],
                _ => throw new JsonPatchException($"path '{path}' does not exist (no '{segment}')"),
            };
        }

        return node;
    }

    private static int ParseIndex(string segment, int count, string path, bool allowEnd)
    {
        if (!int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || (segment.Length > 1 && segment[0] == '0')
            || index > count
            || (!allowEnd && index == count))
        {
            throw new JsonPatchException($"array index '{segment}' in '{path}' is out of range");
        }

        return index;
    }
}
