using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Policies.Resources;

/// <summary>
/// Writes a YamlDotNet node (a document the fast reader left to YamlDotNet: anchors, tags, block scalars...) as JSON,
/// counting aliases before expanding them so that an alias bomb is refused without being built.
/// </summary>
internal static partial class YamlModelWriter
{
    private static readonly JsonWriterOptions WriterOptions = new() { MaxDepth = ReadLimits.MaxDepth + 1, SkipValidation = false };

    /// <returns>The document as UTF-8 JSON.</returns>
    /// <exception cref="ManifestReadException">A limit of <see cref="ReadLimits"/> is passed, or a key is not a string.</exception>
    public static byte[] ToJson(YamlNode root)
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

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            var budget = ReadLimits.MaxNodes;
            Write(writer, root, 0, ref budget);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A plain scalar that JSON reads as the same number (no octal, hex, <c>.inf</c> or leading zeros).</summary>
    public static bool IsJsonNumber(ReadOnlySpan<char> value) => JsonNumber().IsMatch(value);

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
