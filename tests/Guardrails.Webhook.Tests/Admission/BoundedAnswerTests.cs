using System.Text;
using System.Text.Json.Nodes;
using Guardrails.Webhook.Tests.Support;

namespace Guardrails.Webhook.Tests.Admission;

/// <summary>However much is wrong with an object, every answer stays under 256 KB and still counts everything.</summary>
public sealed class BoundedAnswerTests : IClassFixture<ServerFixture>
{
    private const int MaxResponseBytes = 256 * 1024;
    private readonly ServerFixture _fixture;

    public BoundedAnswerTests(ServerFixture fixture)
    {
        _fixture = fixture;
    }

    private static JsonObject Pod(int containers, int imageLength)
    {
        var list = new JsonArray();
        for (var i = 0; i < containers; i++)
        {
            list.Add(new JsonObject { ["name"] = $"c{i}", ["image"] = "nginx" + new string('x', imageLength) });
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = "many", ["namespace"] = "team-a" },
            ["spec"] = new JsonObject { ["containers"] = list },
        };
    }

    private async Task<(int Status, byte[] Body)> PostAsync(string path, string body, string contentType = "application/json")
    {
        using var client = _fixture.Server.CreateClient();
        using var http = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, contentType), TestContext.Current.CancellationToken);
        return ((int)http.StatusCode, await http.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_pod_with_1000_bad_containers_gets_a_denial_listing_20_violations_and_counting_the_rest()
    {
        var review = Fixtures.Wrap(Pod(1000, 0), "many-1", "", "v1", "Pod");

        var (status, body) = await PostAsync("/validate", review);

        status.ShouldBe(200);
        body.Length.ShouldBeLessThan(MaxResponseBytes);
        var message = JsonNode.Parse(body)!["response"]!["status"]!["message"]!.GetValue<string>();
        var count = int.Parse(message[(message.IndexOf(": ", StringComparison.Ordinal) + 2)..message.IndexOf(" violations", StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
        count.ShouldBeGreaterThan(1000);
        message.Split("\n- [").Length.ShouldBe(21);
        message.ShouldEndWith($"... and {count - 20} more (guardrails check or the dry-run API /api/v1/evaluate lists them all)");
    }

    [Theory]
    [InlineData("/validate")]
    [InlineData("/mutate")]
    [InlineData("/api/v1/evaluate")]
    public async Task A_3_5_MB_request_gets_an_answer_under_256_KB(string door)
    {
        var pod = Pod(35, 100_000);
        var body = door == "/api/v1/evaluate" ? pod.ToJsonString() : Fixtures.Wrap(pod, "big-1", "", "v1", "Pod");
        body.Length.ShouldBeGreaterThan(3_500_000);

        var (status, answer) = await PostAsync(door, body);

        status.ShouldBe(200);
        answer.Length.ShouldBeLessThan(MaxResponseBytes);
    }

    [Fact]
    public async Task The_dry_run_door_lists_what_fits_and_counts_the_rest()
    {
        var documents = string.Join("---\n", Enumerable.Range(0, 1000).Select(i => $"apiVersion: v1\nkind: Pod\nmetadata: {{ name: p{i}, namespace: team-a }}\nspec: {{ containers: [{{ name: a, image: \"nginx{new string('x', 300)}\" }}] }}\n"));

        var (status, answer) = await PostAsync("/api/v1/evaluate", documents, "application/yaml");

        status.ShouldBe(200);
        answer.Length.ShouldBeLessThan(MaxResponseBytes);
        var root = JsonNode.Parse(answer)!;
        root["summary"]!["denied"]!.GetValue<int>().ShouldBe(1000);
        var listed = root["results"]!.AsArray().Count;
        listed.ShouldBeGreaterThan(0);
        (listed + root["omittedResults"]!.GetValue<int>()).ShouldBe(1000);
    }
    [Fact]
    public async Task A_patch_over_128_KiB_is_not_sent_and_a_warning_says_so_while_warnings_stay_capped_at_20()
    {
        const string Pack = """
            apiVersion: guardrails.dev/v1alpha1
            kind: RulePack
            metadata: { name: defaults }
            spec:
              rules:
                - id: resource-requirements
                  mode: Warn
                  parameters: { required: [requests.cpu], defaults: { requests.cpu: 100m } }
            """;
        await using var server = await GuardrailsServer.StartAsync(packs: Pack);
        using var client = server.CreateClient();
        var small = Fixtures.Wrap(Pod(3, 0), "few-1", "", "v1", "Pod");
        var large = Fixtures.Wrap(Pod(3000, 0), "many-2", "", "v1", "Pod");

        using var smallHttp = await client.PostAsync("/mutate", Fixtures.Json(small), TestContext.Current.CancellationToken);
        using var largeHttp = await client.PostAsync("/mutate", Fixtures.Json(large), TestContext.Current.CancellationToken);
        using var validateHttp = await client.PostAsync("/validate", Fixtures.Json(large), TestContext.Current.CancellationToken);

        (await AdmissionResponse.ReadAsync(smallHttp)).Patch.ShouldNotBeNull();
        var mutated = await AdmissionResponse.ReadAsync(largeHttp);
        mutated.Allowed.ShouldBeTrue();
        mutated.Patch.ShouldBeNull();
        mutated.Warnings.ShouldHaveSingleItem().ShouldStartWith("Guardrails: defaults not applied: the patch would be ");
        var validated = await AdmissionResponse.ReadAsync(validateHttp);
        validated.Warnings.Count.ShouldBe(20);
        validated.Warnings[^1].ShouldBe("Guardrails: and 2981 more warnings (guardrails check or the dry-run API lists them)");
    }
}
