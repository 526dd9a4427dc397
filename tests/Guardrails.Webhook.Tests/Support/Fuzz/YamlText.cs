using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Guardrails.Webhook.Tests.Support.Fuzz;

/// <summary>Writes a JSON tree as block-style YAML (strings double-quoted, which YAML reads with JSON's escapes).</summary>
internal static class YamlText
{
    public static string From(JsonNode? node)
    {
        var text = new StringBuilder();
        Write(text, node, 0, inSequence: false);
        return text.ToString();
    }

    private static void Write(StringBuilder text, JsonNode? node, int indent, bool inSequence)
    {
        switch (node)
        {
            case JsonObject { Count: > 0 } obj:
                var first = true;
                foreach (var (key, value) in obj)
                {
                    if (!(first && inSequence))
                    {
                        text.Append(' ', indent);
                    }

                    first = false;
                    text.Append(Quote(key)).Append(':');
                    WriteChild(text, value, indent);
                }

                break;
            case JsonArray { Count: > 0 } array:
                foreach (var item in array)
                {
                    text.Append(' ', indent).Append("- ");
                    if (item is JsonObject { Count: > 0 } or JsonArray { Count: > 0 })
                    {
                        if (item is JsonArray)
                        {
                            text.Append('\n');
                            Write(text, item, indent + 2, inSequence: false);
                        }
                        else
                        {
                            Write(text, item, indent + 2, inSequence: true);
                        }
                    }
                    else
                    {
                        text.Append(Scalar(item)).Append('\n');
                    }
                }

                break;
            default:
                text.Append(' ', indent).Append(Scalar(node)).Append('\n');
                break;
        }
    }

    private static void WriteChild(StringBuilder text, JsonNode? value, int indent)
    {
        if (value is JsonObject { Count: > 0 } or JsonArray { Count: > 0 })
        {
            text.Append('\n');
            Write(text, value, indent + 2, inSequence: false);
        }
        else
        {
            text.Append(' ').Append(Scalar(value)).Append('\n');
        }
    }

    private static string Scalar(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue value when value.TryGetValue<string>(out var s) => Quote(s),
        JsonValue value when value.TryGetValue<bool>(out var b) => b ? "true" : "false",
        _ => node.ToJsonString(),
    };

    private static string Quote(string text) => JsonValue.Create(text).ToJsonString(new System.Text.Json.JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }).ToString(CultureInfo.InvariantCulture);
}
