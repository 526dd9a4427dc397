using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Guardrails.Tests;
using Guardrails.Webhook.Tests.Support;

namespace Guardrails.Webhook.Tests.DryRun;

/// <summary>Hostile and mistaken bodies at the dry-run door: a 4xx that names the problem, never a 500, never a crash.</summary>
public sealed class EvaluateHardeningTests : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _fixture;

    public EvaluateHardeningTests(ServerFixture fixture)
    {
        _fixture = fixture;
    }

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private async Task<(HttpStatusCode Status, string Text)> PostAsync(string path, string body, string contentType = "application/yaml")
    {
        using var client = _fixture.Server.CreateClient();
        using var http = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, contentType), TestContext.Current.CancellationToken);
        return (http.StatusCode, await http.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> EvaluateAsync(string body, string contentType = "application/yaml", string query = "")
    {
        var (status, text) = await PostAsync("/api/v1/evaluate" + query, body, contentType);
        return (status, JsonNode.Parse(text)!);
    }

    private async Task ServerStillJudgesAsync()
    {
        var (status, _) = await PostAsync("/validate", Encoding.UTF8.GetString(Fixtures.Read("v1.24/create-pod.json")), "application/json");
        status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Yaml_nested_35000_deep_is_a_400_naming_the_limit_and_the_server_lives()
    {
        var (status, body) = await EvaluateAsync(Nested(35_000));

        status.ShouldBe(HttpStatusCode.BadRequest);
        body["results"]![0]!["error"]!.GetValue<string>().ShouldBe("document nests deeper than 128 levels (the limit) at line 1");
        await ServerStillJudgesAsync();
    }

    [Fact]
    public async Task A_body_of_more_than_1000_documents_is_a_400_naming_the_limit()
    {
        const string Pod = "apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec: { containers: [{ name: a, image: nginx }] }\n";

        var (status, body) = await EvaluateAsync(string.Join("---\n", Enumerable.Repeat(Pod, 1_001)));

        status.ShouldBe(HttpStatusCode.BadRequest);
        var result = body["results"]!.AsArray().ShouldHaveSingleItem()!;
        result["error"]!.GetValue<string>().ShouldBe("more than 1000 documents (the limit per request or file); split the input");
        await ServerStillJudgesAsync();
    }

    [Theory]
    [InlineData("application/yaml", 65)]
    [InlineData("application/yaml", 20_000)]
    [InlineData("application/json", 65)]
    [InlineData("application/json", 128)]
    public async Task Deep_yaml_and_deep_list_items_get_an_answer_not_a_500(string contentType, int depth)
    {
        var item = $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"x":{{{Nested(depth)}}}}}""";

        var (status, body) = await EvaluateAsync($$$"""{"apiVersion":"v1","kind":"List","items":[{{{item}}}]}""", contentType);

        var result = body["results"]![0]!;
        if (depth + 4 <= 128)
        {
            status.ShouldBe(HttpStatusCode.OK);
            result["verdict"]!.GetValue<string>().ShouldBe("skipped");
        }
        else
        {
            status.ShouldBe(HttpStatusCode.BadRequest);
            result["error"]!.GetValue<string>().ShouldContain("128");
        }
    }

    [Theory]
    [InlineData("/validate")]
    [InlineData("/mutate")]
    [InlineData("/api/v1/evaluate")]
    public async Task A_lone_surrogate_escape_in_a_top_level_key_is_answered_not_a_500(string door)
    {
        var review = Encoding.UTF8.GetString(Fixtures.Read("v1.24/create-pod.json"));
        // Last, so that looking up any other key (the search runs from the end) meets it.
        var body = review.TrimEnd()[..^1] + ",\"\\ud800\":1}";

        var (status, text) = await PostAsync(door, body, "application/json");

        status.ShouldBe(HttpStatusCode.OK, text);
        var root = JsonNode.Parse(text)!;
        if (door == "/api/v1/evaluate")
        {
            root["results"]![0]!["verdict"]!.GetValue<string>().ShouldBe("denied");
        }
        else
        {
            root["response"]!["uid"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        }
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/octet-stream")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task Other_content_types_are_refused_with_415(string contentType)
    {
        var (status, body) = await EvaluateAsync("apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n", contentType);

        status.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        body["detail"]!.GetValue<string>().ShouldStartWith("Content-Type must be application/json or application/yaml");
    }

    [Fact]
    public async Task A_yaml_flow_manifest_sent_as_yaml_is_judged()
    {
        var (status, body) = await EvaluateAsync("{apiVersion: v1, kind: Pod, metadata: {name: flow, namespace: team-a}, spec: {containers: [{name: a, image: nginx}]}}");

        status.ShouldBe(HttpStatusCode.OK);
        var result = body["results"]!.AsArray().ShouldHaveSingleItem()!;
        result["name"]!.GetValue<string>().ShouldBe("flow");
        result["verdict"]!.GetValue<string>().ShouldBe("denied");
    }

    public static TheoryData<string, string> RefusedReviews()
    {
        static string Edit(Action<JsonNode> edit)
        {
            var node = JsonNode.Parse(Fixtures.Read("v1.24/create-pod.json"))!;
            edit(node);
            return node.ToJsonString();
        }

        return new TheoryData<string, string>
        {
            { "v1beta1", Edit(n => n["apiVersion"] = "admission.k8s.io/v1beta1") },
            { "foo/v9", Edit(n => n["apiVersion"] = "foo/v9") },
            { "uid missing", Edit(n => n["request"]!.AsObject().Remove("uid")) },
            { "uid empty", Edit(n => n["request"]!["uid"] = "") },
            { "uid a number", Edit(n => n["request"]!["uid"] = 42) },
        };
    }

    [Theory]
    [MemberData(nameof(RefusedReviews))]
    public async Task A_review_the_webhook_refuses_is_refused_at_the_dry_run_door_with_the_same_words(string name, string review)
    {
        var (webhookStatus, webhookText) = await PostAsync("/validate", review, "application/json");
        var (status, body) = await EvaluateAsync(review, "application/json");

        webhookStatus.ShouldBe(HttpStatusCode.BadRequest, name);
        status.ShouldBe(HttpStatusCode.BadRequest, name);
        var result = body["results"]!.AsArray().ShouldHaveSingleItem()!;
        result["verdict"]!.GetValue<string>().ShouldBe("invalid");
        result["error"]!.GetValue<string>().ShouldBe(JsonNode.Parse(webhookText)!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_namespace_query_fills_only_objects_that_name_none()
    {
        var (status, body) = await EvaluateAsync("""
            apiVersion: v1
            kind: ConfigMap
            metadata: { name: none }
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: { name: same, namespace: team-a }
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: { name: other, namespace: kube-system }
            """, query: "?namespace=team-a");

        status.ShouldBe(HttpStatusCode.BadRequest);
        var results = body["results"]!.AsArray();
        results[0]!["namespace"]!.GetValue<string>().ShouldBe("team-a");
        results[1]!["namespace"]!.GetValue<string>().ShouldBe("team-a");
        results[2]!["verdict"]!.GetValue<string>().ShouldBe("invalid");
        results[2]!["namespace"]!.GetValue<string>().ShouldBe("kube-system");
        results[2]!["error"]!.GetValue<string>().ShouldBe("metadata.namespace 'kube-system' does not match the namespace 'team-a' asked for; give that namespace or remove it from the object");
    }

    [Theory]
    [InlineData("cpu: \"-1\"", "spec.containers[0].resources.requests.cpu must be 0 or more, not -1")]
    [InlineData("cpu: -100m", "spec.containers[0].resources.requests.cpu must be 0 or more, not -100m")]
    public async Task Invalid_objects_are_reported_invalid_not_allowed(string request, string reason)
    {
        var (status, body) = await EvaluateAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: { name: p, namespace: team-a }
            spec:
              securityContext: { runAsNonRoot: true }
              containers: [{ name: a, image: "nginx:1.27", resources: { requests: { {{request}}, memory: 64Mi }, limits: { memory: 64Mi } } }]
            """);

        status.ShouldBe(HttpStatusCode.BadRequest);
        var result = body["results"]!.AsArray().ShouldHaveSingleItem()!;
        result["verdict"]!.GetValue<string>().ShouldBe("invalid");
        result["error"]!.GetValue<string>().ShouldContain(reason);
    }

    [Fact]
    public async Task The_readme_example_of_appending_the_quota_file_judges_quota_fits()
    {
        var body = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "examples", "web.yaml"), TestContext.Current.CancellationToken)
            + await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "examples", "team-a-quota.yaml"), TestContext.Current.CancellationToken);

        var (status, result) = await EvaluateAsync(body, query: "?namespace=team-a");

        status.ShouldBe(HttpStatusCode.OK);
        var web = result["results"]!.AsArray().Single(r => r!["kind"]!.GetValue<string>() == "Deployment")!;
        web["violations"]!.AsArray().Select(v => v!["rule"]!.GetValue<string>()).ShouldContain("quota-fits");
    }
}
