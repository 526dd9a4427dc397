using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Policies.Resources;

/// <summary>
/// Reads multi-document YAML or JSON into JSON objects, the one form the engine judges, so that YAML from a
/// developer and JSON from the apiserver reach the same rules. <c>kind: List</c> is unwrapped into its items.
/// </summary>
public static partial class ManifestReader
{
    /// <summary>Alias expansion ("billion laughs") is bounded: no real manifest has this many nodes.</summary>
    private const int MaxNodes = 1_000_000;

    public static IReadOnlyList<Manifest> Read(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.Length > 0 && trimmed[0] is '{' or '[')
        {
            return ReadJson(text);
        }

        var manifests = new List<Manifest>();
        var stream = new YamlStream();
        YamlException? failure = null;
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            // YamlStream keeps the documents it finished before the error, so those are still judged.
            failure = ex;
        }

        var number = 0;
        foreach (var document in stream.Documents)
        {
            number++;
            if (document.RootNode is YamlScalarNode { Value: null or "" })
            {
                continue;
            }

            AddConverted(manifests, number, (int)document.RootNode.Start.Line, document.RootNode);
        }

        if (failure is not null)
        {
            manifests.Add(new Manifest(number + 1, (int)failure.Start.Line, null, $"invalid YAML at line {failure.Start.Line}, column {failure.Start.Column}: {failure.InnerException?.Message ?? failure.Message}"));
        }

        return manifests;
    }

    private static List<Manifest> ReadJson(string text)
    {
        var manifests = new List<Manifest>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException ex)
        {
            manifests.Add(new Manifest(1, (int)(ex.LineNumber ?? 0) + 1, null, $"invalid JSON at line {(ex.LineNumber ?? 0) + 1}: {ex.Message}"));
            return manifests;
        }

        if (document.RootElement.ValueKind == JsonValueKind.Array)
        {
            var number = 0;
            foreach (var item in document.RootElement.EnumerateArray())
            {
                number++;
                AddUnwrapped(manifests, number, 1, JsonDocument.Parse(item.GetRawText()));
            }

            document.Dispose();
            return manifests;
        }

        AddUnwrapped(manifests, 1, 1, document);
        return manifests;
    }

    private static void AddConverted(List<Manifest> manifests, int number, int line, YamlNode root)
    {
        if (root is not YamlMappingNode)
        {
            manifests.Add(new Manifest(number, line, null, "document is not a Kubernetes object (expected a mapping with apiVersion and kind)"));
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(1024);
        try
        {
            using (var writer = new Utf8JsonWriter(buffer))
            {
                var budget = MaxNodes;
                Write(writer, root, ref budget);
            }
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("document", StringComparison.Ordinal))
        {
            manifests.Add(new Manifest(number, line, null, ex.Message));
            return;
        }

        AddUnwrapped(manifests, number, line, JsonDocument.Parse(buffer.WrittenMemory));
    }

    private static void AddUnwrapped(List<Manifest> manifests, int number, int line, JsonDocument document)
    {
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            manifests.Add(new Manifest(number, line, null, "document is not a Kubernetes object (expected a mapping with apiVersion and kind)"));
            document.Dispose();
            return;
        }

        if (root.Child("kind"u8).AsString() is { } kind && kind.EndsWith("List", StringComparison.Ordinal) && root.Child("items"u8).ValueKind == JsonValueKind.Array)
        {
            foreach (var item in root.Child("items"u8).EnumerateArray())
            {
                manifests.Add(new Manifest(number, line, JsonDocument.Parse(item.GetRawText()), null));
            }

            document.Dispose();
            return;
        }

        manifests.Add(new Manifest(number, line, document, null));
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node, ref int budget)
    {
        if (--budget < 0)
        {
            throw new InvalidOperationException($"document has more than {MaxNodes} nodes (alias expansion?)");
        }

        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName(key is YamlScalarNode { Value: { } name } ? name : key.ToString());
                    Write(writer, value, ref budget);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence)
                {
                    Write(writer, item, ref budget);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary>YAML 1.2 core schema for plain scalars: null, booleans, integers and floats; everything quoted is a string.</summary>
    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain || !scalar.Tag.IsEmpty && scalar.Tag.Value == "tag:yaml.org,2002:str")
        {
            writer.WriteStringValue(value);
            return;
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                writer.WriteNullValue();
                return;
            case "true" or "True" or "TRUE":
                writer.WriteBooleanValue(true);
                return;
            case "false" or "False" or "FALSE":
                writer.WriteBooleanValue(false);
                return;
            default:
                break;
        }

        if (JsonNumber().IsMatch(value) && decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            writer.WriteRawValue(value.TrimStart('+'), skipInputValidation: false);
            return;
        }

        writer.WriteStringValue(value);
    }

    [GeneratedRegex(@"^[-+]?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex JsonNumber();
}
