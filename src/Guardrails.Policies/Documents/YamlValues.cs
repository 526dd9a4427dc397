using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Guardrails.Policies.Quantities;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Policies.Documents;

/// <summary>
/// What every Guardrails document reader (rule packs, rule parameters, platform settings) needs from a YAML node:
/// its line, whether it is YAML's null, and its text as the typed value a field asks for. The readers keep their own
/// words for errors; what a value means is decided here, once.
/// </summary>
public static class YamlValues
{
    /// <summary>A parser of one scalar's text; <c>false</c> with <paramref name="error"/> when the text is not a value.</summary>
    public delegate bool Parser<T>(string text, out T value, out string error);

    public static int LineOf(YamlNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return (int)node.Start.Line;
    }

    /// <summary>YAML's null written plainly (<c>~</c>, <c>null</c>, nothing); a quoted <c>"null"</c> is a string.</summary>
    public static bool IsNull([NotNullWhen(false)] YamlNode? node) =>
        node is null or YamlScalarNode { Value: null or "" or "~" or "null", Style: ScalarStyle.Plain };

    /// <summary>The value under <paramref name="key"/> of <paramref name="mapping"/>, or <c>null</c> when it is absent.</summary>
    public static YamlNode? Child(YamlMappingNode? mapping, string key) =>
        mapping is not null && mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    /// <summary>The line of the key <paramref name="key"/> in <paramref name="mapping"/>, or <paramref name="fallback"/>.</summary>
    public static int KeyLineOf(YamlMappingNode mapping, string key, int fallback)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        foreach (var candidate in mapping.Children.Keys)
        {
            if (candidate is YamlScalarNode scalar && scalar.Value == key)
            {
                return LineOf(candidate);
            }
        }

        return fallback;
    }

    /// <summary>The items of a list of strings; items that are not single values go to <paramref name="rejected"/>.</summary>
    public static List<string> Strings(YamlSequenceNode sequence, List<YamlNode> rejected)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        ArgumentNullException.ThrowIfNull(rejected);
        var result = new List<string>(sequence.Children.Count);
        foreach (var item in sequence)
        {
            if (item is YamlScalarNode { Value: { } value })
            {
                result.Add(value);
            }
            else
            {
                rejected.Add(item);
            }
        }

        return result;
    }

    /// <summary>A mapping of names to single values; <c>null</c>, with the first offending key, when it is not one.</summary>
    public static Dictionary<string, string>? StringPairs(YamlMappingNode mapping, out YamlNode? offending)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in mapping.Children)
        {
            if (key is YamlScalarNode { Value: { } name } && value is YamlScalarNode { Value: { } text })
            {
                result[name] = text;
            }
            else
            {
                offending = key;
                return null;
            }
        }

        offending = null;
        return result;
    }

    public static bool TryBool(string text, out bool value, out string error)
    {
        error = bool.TryParse(text, out value) ? "" : $"'{text}' is not true or false";
        return error.Length == 0;
    }

    public static bool TryDecimal(string text, out decimal value, out string error)
    {
        error = decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) ? "" : $"'{text}' is not a number";
        return error.Length == 0;
    }

    public static bool TryQuantity(string text, out Quantity value, out string error)
    {
        var parsed = Quantity.TryParse(text, out value, out var reason);
        error = reason ?? "";
        return parsed;
    }
}
