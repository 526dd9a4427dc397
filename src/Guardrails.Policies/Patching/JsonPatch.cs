using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Guardrails.Policies.Patching;

/// <summary>
/// An RFC 6902 JSON Patch document. JsonPatch.Net is not on this project's package mirror, so this is the
/// smallest correct subset, with the same shape (<c>new JsonPatch(ops)</c>, <c>Apply</c>) so it can be swapped in.
/// </summary>
public sealed class JsonPatch
{
    public static readonly JsonPatch Empty = new([]);

    public JsonPatch(IReadOnlyList<PatchOperation> operations)
    {
        Operations = operations;
    }

    public IReadOnlyList<PatchOperation> Operations { get; }

    public bool IsEmpty => Operations.Count == 0;

    /// <summary>Applies the patch to a deep copy; the input is left untouched.</summary>
    public JsonNode? Apply(JsonNode? document)
    {
        var result = document?.DeepClone();
        foreach (var operation in Operations)
        {
            result = JsonPatchApplier.Apply(result, operation);
        }

        return result;
    }

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        foreach (var operation in Operations)
        {
            writer.WriteStartObject();
            writer.WriteString("op"u8, operation.Op switch
            {
                OperationType.Add => "add",
                OperationType.Remove => "remove",
                OperationType.Replace => "replace",
                OperationType.Move => "move",
                OperationType.Copy => "copy",
                _ => "test",
            });
            if (operation.From is not null)
            {
                writer.WriteString("from"u8, operation.From);
            }

            writer.WriteString("path"u8, operation.Path);
            if (operation.Op is OperationType.Add or OperationType.Replace or OperationType.Test)
            {
                writer.WritePropertyName("value"u8);
                if (operation.Value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    operation.Value.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    public byte[] ToUtf8Bytes()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public override string ToString() => System.Text.Encoding.UTF8.GetString(ToUtf8Bytes());
}
