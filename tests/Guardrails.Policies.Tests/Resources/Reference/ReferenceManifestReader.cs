using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

using Guardrails.Policies.Resources;

namespace Guardrails.Policies.Tests.Resources.Reference;

/// <summary>
/// The manifest reader as it was before issue 15 (the whole text loaded into YamlDotNet's representation model, then
/// written as JSON), kept unchanged as the oracle the streaming reader is compared against.
/// </summary>
internal static partial class ReferenceManifestReader
{
    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = ReadLimits.MaxDepth };

    private static readonly JsonWriterOptions WriterOptions = new() { MaxDepth = ReadLimits.MaxDepth + 1, SkipValidation = false };

    public static IReadOnlyList<Manifest> Read(string text, ManifestFormat format = ManifestFormat.Sniff)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (format == ManifestFormat.Sniff)
        {
            var trimmed = text.AsSpan().TrimStart();
            format = trimmed.Length > 0 && trimmed[0] is '{' or '[' ? ManifestFormat.Json : ManifestFormat.Yaml;
        }

        return format == ManifestFormat.Json ? ReadJson(text) : ReadYaml(text);
    }

    private static List<Manifest> ReadYaml(string text)
    {
        var manifests = new List<Manifest>();
        if (YamlPreScan.Check(text) is { } refused)
        {
            manifests.Add(new Manifest(1, refused.Line, null, refused.Message));
            return manifests;
        }

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
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            // What YamlDotNet throws on some malformed input instead of a YamlException.
            failure = new YamlException(ex.Message, ex);
        }

        var number = 0;
        foreach (var document in stream.Documents)
        {
            number++;
            if (document.RootNode is YamlScalarNode { Value: null or "" })
            {
                continue;
            }

            var line = (int)document.RootNode.Start.Line;
            if (document.RootNode is YamlSequenceNode sequence)
            {
                foreach (var item in sequence)
                {
                    AddConverted(manifests, number, (int)item.Start.Line, item);
                }
            }
            else
            {
                AddConverted(manifests, number, line, document.RootNode);
            }
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
            document = JsonDocument.Parse(text, JsonOptions);
        }
        catch (JsonException ex)
        {
            var depth = ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase) ? $" (documents may nest at most {ReadLimits.MaxDepth} levels)" : "";
            manifests.Add(new Manifest(1, (int)(ex.LineNumber ?? 0) + 1, null, $"invalid JSON at line {(ex.LineNumber ?? 0) + 1}: {ex.Message}{depth}"));
            return manifests;
        }

        if (document.RootElement.ValueKind == JsonValueKind.Array)
        {
            var number = 0;
            foreach (var item in document.RootElement.EnumerateArray())
            {
                number++;
                AddUnwrapped(manifests, number, 1, JsonDocument.Parse(item.GetRawText(), JsonOptions));
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
            Add(manifests, new Manifest(number, line, null, "document is not a Kubernetes object (expected a mapping with apiVersion and kind)"));
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(1024);
        try
        {
            // Counted first, cheaply (each distinct node once): an alias bomb is refused without expanding it.
            long written = 0;
            var expanded = ExpandedNodes(root, new Dictionary<YamlNode, long>(ReferenceEqualityComparer.Instance), 0, ref written);
            if (expanded > ReadLimits.MaxNodes)
            {
                throw new ManifestReadException($"document has more than {ReadLimits.MaxNodes} nodes once aliases are expanded (the limit)");
            }

            // As go-yaml (and so kubectl) does: a few aliases are fine, a small text that multiplies itself is an attack.
            if (expanded > ReadLimits.MaxAliasExpandedNodes && expanded > ReadLimits.MaxAliasRatio * written)
            {
                throw new ManifestReadException($"document expands to {expanded} nodes from {written} distinct ones through aliases (excessive aliasing: at most {ReadLimits.MaxAliasRatio}× beyond {ReadLimits.MaxAliasExpandedNodes} nodes)");
            }

            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                var budget = ReadLimits.MaxNodes;
                Write(writer, root, 0, ref budget);
            }
        }
        catch (ManifestReadException ex)
        {
            Add(manifests, new Manifest(number, line, null, ex.Message));
            return;
        }
        catch (ArgumentException)
        {
            // Utf8JsonWriter refuses strings that are not valid UTF-16 (a lone "\ud800" escape in a quoted scalar).
            Add(manifests, new Manifest(number, line, null, "document holds text that is not valid Unicode (a lone surrogate escape such as \\ud800)"));
            return;
        }

        AddUnwrapped(manifests, number, line, JsonDocument.Parse(buffer.WrittenMemory, JsonOptions));
    }

    private static void AddUnwrapped(List<Manifest> manifests, int number, int line, JsonDocument document)
    {
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            Add(manifests, new Manifest(number, line, null, "document is not a Kubernetes object (expected a mapping with apiVersion and kind)"));
            document.Dispose();
            return;
        }

        if (root.Child("kind"u8).AsString() is { } kind && kind.EndsWith("List", StringComparison.Ordinal) && root.Child("items"u8).ValueKind == JsonValueKind.Array)
        {
            foreach (var item in root.Child("items"u8).EnumerateArray())
            {
                Add(manifests, new Manifest(number, line, JsonDocument.Parse(item.GetRawText(), JsonOptions), null));
            }

            document.Dispose();
            return;
        }

        Add(manifests, new Manifest(number, line, document, null));
    }

    /// <summary>Past the document limit one refusal stands for everything after it, and nothing more is kept.</summary>
    private static void Add(List<Manifest> manifests, Manifest manifest)
    {
        if (manifests.Count < ReadLimits.MaxDocuments)
        {
            manifests.Add(manifest);
            return;
        }

        manifest.Dispose();
        if (manifests.Count == ReadLimits.MaxDocuments)
        {
            manifests.Add(new Manifest(manifest.Number, manifest.Line, null, $"more than {ReadLimits.MaxDocuments} documents or list items (the limit per request or file); split the input"));
        }
    }

    /// <summary>
    /// How many nodes the document has with every alias expanded, each distinct node computed once; past the limit
    /// (or in an alias cycle, which never ends) the answer is only "too many".
    /// </summary>
    private static long ExpandedNodes(YamlNode node, Dictionary<YamlNode, long> sizes, int depth, ref long written)
    {
        const long TooMany = ReadLimits.MaxNodes + 1L;
        if (node is YamlScalarNode)
        {
            return 1;
        }

        if (sizes.TryGetValue(node, out var known))
        {
            return known;
        }

        if (depth >= ReadLimits.MaxDepth)
        {
            // Deeper than the writer would go: it refuses this with its own message.
            return 1;
        }

        // Marked while counting: meeting the node again inside itself is an alias cycle.
        sizes[node] = TooMany;
        written++;
        long total = 1;
        IEnumerable<YamlNode> children = node switch
        {
            YamlMappingNode mapping => mapping.Children.Values,
            YamlSequenceNode sequence => sequence.Children,
            _ => [],
        };
        foreach (var child in children)
        {
            written += child is YamlScalarNode ? 1 : 0;
            total = Math.Min(TooMany, total + ExpandedNodes(child, sizes, depth + 1, ref written));
            if (total >= TooMany)
            {
                break;
            }
        }

        sizes[node] = total;
        return total;
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node, int depth, ref int budget)
    {
        if (--budget < 0)
        {
            throw new ManifestReadException($"document has more than {ReadLimits.MaxNodes} nodes once aliases are expanded (the limit)");
        }

        // Aliases can nest what the text does not: the expanded tree is bounded too, which also ends alias cycles.
        if (depth >= ReadLimits.MaxDepth && node is not YamlScalarNode)
        {
            throw new ManifestReadException($"document nests deeper than {ReadLimits.MaxDepth} levels (the limit) once aliases are expanded");
        }

        if (writer.BytesPending + writer.BytesCommitted > ReadLimits.MaxExpandedBytes)
        {
            throw new ManifestReadException($"document is larger than {ReadLimits.MaxExpandedBytes / (1024 * 1024)} MiB as JSON once aliases are expanded (the limit)");
        }

        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name })
                    {
                        throw new ManifestReadException($"line {key.Start.Line}: a mapping key must be a string, not a {(key is YamlMappingNode ? "mapping" : "sequence")}");
                    }

                    writer.WritePropertyName(name);
                    Write(writer, value, depth + 1, ref budget);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence)
                {
                    Write(writer, item, depth + 1, ref budget);
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

        if (value.Length <= 400 && JsonNumber().IsMatch(value) && decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            writer.WriteRawValue(value.TrimStart('+'), skipInputValidation: false);
            return;
        }

        writer.WriteStringValue(value);
    }

    [GeneratedRegex(@"^[-+]?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex JsonNumber();
}
