using System.Net;
using System.Text.Json.Nodes;
using Guardrails.Webhook.Tests.Support;

namespace Guardrails.Webhook.Tests.Admission;

/// <summary>
/// Thousands of mutated and truncated recorded bodies: each answer is an AdmissionReview or a 4xx, never a 5xx,
/// and the server still answers afterwards. Seeded, bounded in count, loopback only.
/// </summary>
public sealed class FuzzTests : IClassFixture<ServerFixture>
{
    private const int Cases = 3000;
    private readonly ServerFixture _fixture;

    public FuzzTests(ServerFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task Mutated_and_truncated_bodies_never_get_a_5xx()
    {
        var seeds = Fixtures.Recorded().Select(Fixtures.Read).ToArray();
        var random = new Random(20261121);
        var bodies = Enumerable.Range(0, Cases).Select(i => Mutate(seeds[i % seeds.Length], random)).ToArray();
        using var client = _fixture.Server.CreateClient();
        var outcomes = new int[600];

        await Parallel.ForEachAsync(
            bodies,
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken },
            async (body, ct) =>
            {
                using var http = await client.PostAsync("/validate?timeout=10s", Fixtures.Json(body), ct);
                var status = (int)http.StatusCode;
                Interlocked.Increment(ref outcomes[status]);
                var text = await http.Content.ReadAsStringAsync(ct);
                status.ShouldBeLessThan(500, $"{text} for body: {System.Text.Encoding.UTF8.GetString(body)}");
                if (status == 200)
                {
                    JsonNode.Parse(text)!["response"]!["allowed"].ShouldNotBeNull();
                }
                else
                {
                    status.ShouldBeInRange(400, 499);
                    JsonNode.Parse(text)!["detail"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
                }
            });

        outcomes[200].ShouldBeGreaterThan(0);
        outcomes[400].ShouldBeGreaterThan(0);
        using var after = await client.PostAsync("/validate", Fixtures.Json(seeds[0]), TestContext.Current.CancellationToken);
        after.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var body = (byte[])seed.Clone();
        switch (random.Next(5))
        {
            case 0:
                return body[..random.Next(body.Length)];
            case 1:
                for (var i = random.Next(1, 8); i > 0; i--)
                {
                    body[random.Next(body.Length)] = (byte)random.Next(256);
                }

                return body;
            case 2:
                var alphabet = "{}[]\":,0-e.\\ntfu"u8;
                for (var i = random.Next(1, 8); i > 0; i--)
                {
                    body[random.Next(body.Length)] = alphabet[random.Next(alphabet.Length)];
                }

                return body;
            case 3:
                return ReplaceValue(body, random);
            default:
                var cut = random.Next(body.Length);
                return [.. body[..cut], .. body[Math.Min(body.Length, cut + random.Next(1, 64))..]];
        }
    }

    /// <summary>Structure-aware: keep valid JSON but put a wrong type or value somewhere in the tree.</summary>
    private static byte[] ReplaceValue(byte[] body, Random random)
    {
        var root = JsonNode.Parse(body)!;
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var target = nodes[random.Next(nodes.Count)];
        JsonNode? replacement = random.Next(6) switch
        {
            0 => null,
            1 => JsonValue.Create(-1),
            2 => JsonValue.Create("Gi"),
            3 => new JsonArray(),
            4 => new JsonObject(),
            _ => JsonValue.Create(true),
        };
        if (target.Parent is JsonObject parent)
        {
            parent[target.GetPropertyName()] = replacement;
        }
        else if (target.Parent is JsonArray array)
        {
            array[target.GetElementIndex()] = replacement;
        }

        return System.Text.Encoding.UTF8.GetBytes(root.ToJsonString());
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
