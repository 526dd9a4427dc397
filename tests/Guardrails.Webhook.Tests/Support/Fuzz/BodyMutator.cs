using System.Text;
using System.Text.Json.Nodes;

namespace Guardrails.Webhook.Tests.Support.Fuzz;

/// <summary>
/// Turns recorded bodies into hostile ones, seeded: byte flips, deletions, truncation, type swaps, deep nesting, huge
/// strings, invalid UTF-8, lone surrogates, duplicate keys; for YAML also anchors and aliases, alias bombs and cycles.
/// </summary>
internal sealed class BodyMutator
{
    private const string DeepMarker = "@@deep@@";
    private static readonly byte[][] BadUtf8 = [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]];
    private readonly Random _random;

    public BodyMutator(int seed)
    {
        _random = new Random(seed);
    }

    public byte[] Json(byte[] seed)
    {
        var body = (byte[])seed.Clone();
        switch (_random.Next(11))
        {
            case 0:
                return body[.._random.Next(body.Length)];
            case 1:
                for (var i = _random.Next(1, 8); i > 0; i--)
                {
                    body[_random.Next(body.Length)] = (byte)_random.Next(256);
                }

                return body;
            case 2:
                var alphabet = "{}[]\":,0-e.\\ntfu"u8;
                for (var i = _random.Next(1, 8); i > 0; i--)
                {
                    body[_random.Next(body.Length)] = alphabet[_random.Next(alphabet.Length)];
                }

                return body;
            case 3:
                return Encode(Replace(Parse(body), TypeSwap()));
            case 4:
                var cut = _random.Next(body.Length);
                return [.. body[..cut], .. body[Math.Min(body.Length, cut + _random.Next(1, 64))..]];
            case 5:
                var depth = _random.Next(2) == 0 ? _random.Next(60, 140) : _random.Next(1000, 40_000);
                return Encoding.UTF8.GetBytes(Replace(Parse(body), JsonValue.Create(DeepMarker)).ToJsonString()
                    .Replace($"\"{DeepMarker}\"", new string('[', depth) + new string(']', depth), StringComparison.Ordinal));
            case 6:
                return Encode(Replace(Parse(body), JsonValue.Create(new string((char)('a' + _random.Next(26)), _random.Next(20_000, 200_000)))));
            case 7:
                var at = _random.Next(body.Length);
                return [.. body[..at], .. BadUtf8[_random.Next(BadUtf8.Length)], .. body[at..]];
            case 8:
                return InsertSurrogateEscape(body);
            case 9:
                var text = Encoding.UTF8.GetString(body);
                var brace = text.IndexOf('{', _random.Next(Math.Max(1, text.Length / 2)));
                return brace < 0 ? body : Encoding.UTF8.GetBytes(text[..(brace + 1)] + "\"kind\":\"Duplicate\",\"apiVersion\":7," + text[(brace + 1)..]);
            default:
                return Encode(Replace(Parse(body), ManyContainers(_random.Next(100, 3000))));
        }
    }

    public string Yaml(byte[] seed)
    {
        var yaml = YamlText.From(Parse(seed));
        switch (_random.Next(10))
        {
            case 0:
                return yaml[.._random.Next(yaml.Length)];
            case 1:
                var chars = yaml.ToCharArray();
                const string Structural = ":-[]{}&*!|>'\"#\t ?,%@`";
                for (var i = _random.Next(1, 8); i > 0; i--)
                {
                    chars[_random.Next(chars.Length)] = Structural[_random.Next(Structural.Length)];
                }

                return new string(chars);
            case 2:
                return AliasBomb(_random.Next(3, 8)) + yaml;
            case 3:
                var levels = _random.Next(60, 40_000);
                return yaml + "extra: " + new string('[', levels) + (_random.Next(2) == 0 ? new string(']', levels) : "") + "\n";
            case 4:
                return yaml + (_random.Next(3) switch
                {
                    0 => "cycle: &c [*c]\n",
                    1 => "dangling: *nowhere\n",
                    _ => "base: &b { x: 1 }\nmerged: { <<: *b, y: 2 }\n",
                });
            case 5:
                return YamlText.From(Replace(Parse(seed), TypeSwap()));
            case 6:
                return yaml.Replace("  ", "\t", StringComparison.Ordinal);
            case 7:
                return YamlText.From(Replace(Parse(seed), JsonValue.Create(new string('y', _random.Next(20_000, 200_000)))));
            case 8:
                return yaml.Insert(_random.Next(yaml.Length), _random.Next(2) == 0 ? "\"\\ud800\"" : "\uFFFE\u0000");
            default:
                return yaml + "---\n" + yaml + "---\n{apiVersion: v1, kind: Pod, metadata: {name: flow}, spec: {containers: {a: b}}}\n";
        }
    }

    private static JsonNode Parse(byte[] body) => JsonNode.Parse(body)!;

    private static byte[] Encode(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    /// <summary>Structure-aware: keep valid JSON but put a wrong type or value somewhere in the tree.</summary>
    private JsonNode TypeSwap() => _random.Next(8) switch
    {
        0 => JsonValue.Create(-1),
        1 => JsonValue.Create("Gi"),
        2 => new JsonArray(),
        3 => new JsonObject(),
        4 => JsonValue.Create("-100m"),
        5 => JsonValue.Create(2_147_483_648L),
        6 => JsonValue.Create(1e308),
        _ => JsonValue.Create(true),
    };

    private static JsonArray ManyContainers(int count)
    {
        var list = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            list.Add(new JsonObject { ["name"] = $"c{i}", ["image"] = "nginx", ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = i % 2 == 0 ? "-1" : "1" } } });
        }

        return list;
    }

    private JsonNode Replace(JsonNode root, JsonNode? replacement)
    {
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        if (nodes.Count == 0)
        {
            return root;
        }

        var target = nodes[_random.Next(nodes.Count)];
        if (target.Parent is JsonObject parent)
        {
            parent[target.GetPropertyName()] = replacement;
        }
        else if (target.Parent is JsonArray array)
        {
            array[target.GetElementIndex()] = replacement;
        }

        return root;
    }

    private byte[] InsertSurrogateEscape(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        var quote = text.IndexOf('"', _random.Next(text.Length));
        return quote < 0 ? body : Encoding.UTF8.GetBytes(text[..(quote + 1)] + (_random.Next(2) == 0 ? "\\ud800" : "\\udfff\\ud800") + text[(quote + 1)..]);
    }

    private static string AliasBomb(int levels)
    {
        var yaml = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i < levels; i++)
        {
            yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n");
        }

        return yaml.ToString();
    }

    private static void Collect(JsonNode? node, List<JsonNode> nodes)
    {
        if (node is null)
        {
            return;
        }

        if (node.Parent is not null)
        {
            nodes.Add(node);
        }

        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    Collect(child, nodes);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Collect(child, nodes);
                }

                break;
            default:
                break;
        }
    }
}
