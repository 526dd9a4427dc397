using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Guardrails.Policies.Quantities;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Policies.Documents;

/// <summary>
/// What <see cref="DocumentReader"/> and the readers on it need from a YAML node: its line, whether it is YAML's null,
/// what kind of scalar it is, and its text as the typed value a field asks for; what a value means is decided here, once.
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
    public static int KeyLineOf(YamlMappingNode mapping, string key, int fallback) => Key(mapping, key) is { } found ? LineOf(found) : fallback;

    /// <summary>The key node <paramref name="key"/> of <paramref name="mapping"/> (where errors about the field as a whole point), or <c>null</c>.</summary>
    public static YamlNode? Key(YamlMappingNode mapping, string key)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        foreach (var candidate in mapping.Children.Keys)
        {
            if (candidate is YamlScalarNode scalar && scalar.Value == key)
            {
                return candidate;
            }
        }

        return null;
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

    /// <summary>What <paramref name="node"/> is as JSON would type it; mappings and lists are none of these (<c>null</c>).</summary>
    public static ScalarKind? KindOf(YamlNode? node)
    {
        if (node is not YamlScalarNode scalar)
        {
            return node is null ? ScalarKind.Null : null;
        }

        if (scalar.Style != ScalarStyle.Plain || (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value == "tag:yaml.org,2002:str"))
        {
            return ScalarKind.String;
        }

        return scalar.Value switch
        {
            null or "" or "~" or "null" or "Null" or "NULL" => ScalarKind.Null,
            "true" or "True" or "TRUE" or "false" or "False" or "FALSE" => ScalarKind.Boolean,
            { } text when IsNumber(text) => ScalarKind.Number,
            _ => ScalarKind.String,
        };
    }

    /// <summary>What was found, in the words JSON's readers know: "an object", "a list", "'web'", "the number 7", "the boolean true", "null".</summary>
    public static string Describe(YamlNode? node) => node switch
    {
        YamlMappingNode => "an object",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar => KindOf(scalar) switch
        {
            ScalarKind.Number => $"the number {scalar.Value}",
            ScalarKind.Boolean => $"the boolean {scalar.Value}",
            ScalarKind.String => $"'{scalar.Value}'",
            _ => "null",
        },
        _ => "null",
    };

    /// <summary>The text of a string or a number (quantities come as <c>"500m"</c> or <c>0.5</c>); null for anything else.</summary>
    public static string? StringOrNumberText(YamlNode? node) =>
        KindOf(node) is ScalarKind.String or ScalarKind.Number ? ((YamlScalarNode)node!).Value : null;

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

    /// <summary>YAML 1.2 core schema's numbers: decimal integers and floats, <c>0x</c>/<c>0o</c> integers, infinities and NaN.</summary>
    private static bool IsNumber(string text)
    {
        var body = text.AsSpan().TrimStart("+-");
        if (body is ".inf" or ".Inf" or ".INF" || text is ".nan" or ".NaN" or ".NAN")
        {
            return true;
        }

        if (text.StartsWith("0x", StringComparison.Ordinal) || text.StartsWith("0o", StringComparison.Ordinal))
        {
            return text.Length > 2 && long.TryParse(text.AsSpan(2), text[1] == 'x' ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out _)
                && (text[1] == 'x' || text.AsSpan(2).IndexOfAnyExceptInRange('0', '7') < 0);
        }

        return body.Length > 0 && (char.IsAsciiDigit(body[0]) || (body[0] == '.' && body.Length > 1 && char.IsAsciiDigit(body[1])))
            && double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out _);
    }

    public static bool TryQuantity(string text, out Quantity value, out string error)
    {
        var parsed = Quantity.TryParse(text, out value, out var reason);
        error = reason ?? "";
        return parsed;
    }
}
