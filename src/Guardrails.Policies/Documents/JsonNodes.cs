using System.Text.Json;
using Guardrails.Policies.Packs;
using Guardrails.Policies.Resources;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Policies.Documents;

/// <summary>
/// Turns parsed JSON (an object the apiserver sent) into the YAML nodes <see cref="DocumentReader"/> reads, keeping
/// JSON's types: strings become quoted scalars, so <c>"7"</c> stays a string and <c>7</c> a number.
/// </summary>
public static class JsonNodes
{
    /// <summary>The node for <paramref name="element"/>; <c>null</c> for an absent element (kind Undefined).</summary>
    public static YamlNode? From(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var mapping = new YamlMappingNode();
                foreach (var property in element.EnumerateObject())
                {
                    // The last of duplicate keys wins, as JsonElementExtensions.Child reads them.
                    mapping.Children[Quoted(Name(property))] = From(property.Value)!;
                }

                return mapping;
            case JsonValueKind.Array:
                var sequence = new YamlSequenceNode();
                foreach (var item in element.EnumerateArray())
                {
                    sequence.Add(From(item)!);
                }

                return sequence;
            case JsonValueKind.String:
                return Quoted(element.AsString()!);
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                return new YamlScalarNode(element.GetRawText()) { Style = ScalarStyle.Plain };
            case JsonValueKind.Null:
                return new YamlScalarNode("null") { Style = ScalarStyle.Plain };
            default:
                return null;
        }
    }

    /// <summary>
    /// The nodes of <paramref name="text"/>, which carry lines and columns, when they read exactly as
    /// <paramref name="parsed"/> (the same text parsed as JSON) does; <c>null</c> otherwise. JSON is YAML, but
    /// System.Text.Json takes what YAML may not (duplicate keys, tabs for indentation), so the JSON reading decides
    /// what the document says and the YAML one only where it says it.
    /// </summary>
    public static YamlNode? Positioned(string text, JsonElement parsed)
    {
        var documents = PackDocuments.Load(new PackSource("", text), []);
        return documents.Count == 1 && Agree(documents[0].RootNode, parsed) ? documents[0].RootNode : null;
    }

    private static bool Agree(YamlNode node, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (node is not YamlMappingNode mapping || mapping.Children.Count != element.GetPropertyCount())
                {
                    return false;
                }

                foreach (var property in element.EnumerateObject())
                {
                    if (YamlValues.Child(mapping, Name(property)) is not { } value || !Agree(value, property.Value))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Array:
                return node is YamlSequenceNode sequence
                    && sequence.Children.Count == element.GetArrayLength()
                    && sequence.Children.Zip(element.EnumerateArray()).All(pair => Agree(pair.First, pair.Second));
            default:
                return node is YamlScalarNode scalar
                    && YamlValues.KindOf(scalar) == YamlValues.KindOf(From(element))
                    && (element.ValueKind == JsonValueKind.Null || scalar.Value == ((YamlScalarNode)From(element)!).Value);
        }
    }

    private static YamlScalarNode Quoted(string text) => new(text) { Style = ScalarStyle.DoubleQuoted };

    private static string Name(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            // A key that cannot be decoded (a lone escaped surrogate) is no field a reader asks for; keep it visible.
            return "\uFFFD";
        }
    }
}
