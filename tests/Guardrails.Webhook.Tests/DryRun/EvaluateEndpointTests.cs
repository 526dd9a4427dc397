using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Guardrails.Webhook.Tests.Support;

namespace Guardrails.Webhook.Tests.DryRun;

public sealed class EvaluateEndpointTests : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _fixture;

    public EvaluateEndpointTests(ServerFixture fixture)
    {
        _fixture = fixture;
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> EvaluateAsync(string body, string contentType = "application/yaml", string query = "")
    {
        using var client = _fixture.Server.CreateClient();
        using var http = await client.PostAsync("/api/v1/evaluate" + query, new StringContent(body, Encoding.UTF8, contentType), TestContext.Current.CancellationToken);
        return (http.StatusCode, JsonNode.Parse(await http.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!);
    }

    [Fact]
    public async Task Judges_each_document_with_violations_and_a_summary()
    {
        var (status, body) = await EvaluateAsync("""
            apiVersion: v1
            kind: Pod
            metadata: { name: good, namespace: team-a }
            spec:
              securityContext: { runAsNonRoot: true }
              containers: [{ name: a, image: "nginx:1.27", resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { memory: 64Mi } } }]
            ---
            apiVersion: v1
            kind: Pod
            metadata: { name: bad, namespace: team-a }
            spec:
              securityContext: { runAsNonRoot: true }
              containers: [{ name: a, image: nginx, resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { memory: 64Mi } } }]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: { name: c }
            """);

        status.ShouldBe(HttpStatusCode.OK);
        var results = body["results"]!.AsArray();
        results.Select(r => r!["verdict"]!.GetValue<string>()).ShouldBe(["allowed", "denied", "skipped"]);
        var violation = results[1]!["violations"]!.AsArray().ShouldHaveSingleItem()!;
        violation["rule"]!.GetValue<string>().ShouldBe("image-tag");
        violation["path"]!.GetValue<string>().ShouldBe("spec.containers[0].image");
        violation["actual"]!.GetValue<string>().ShouldBe("nginx");
        violation["mode"]!.GetValue<string>().ShouldBe("Enforce");
        violation["fix"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        body["summary"]!["denied"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task Quota_documents_in_the_body_are_the_cluster_state()
    {
        var (_, body) = await EvaluateAsync("""
            apiVersion: v1
            kind: ResourceQuota
            metadata: { name: compute, namespace: team-a }
            spec: { hard: { requests.cpu: "4" } }
            status: { used: { requests.cpu: "3" } }
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: web, namespace: team-a }
            spec:
              replicas: 2
              strategy: { type: Recreate }
              template:
                spec:
                  securityContext: { runAsNonRoot: true }
                  containers: [{ name: a, image: "nginx:1.27", resources: { requests: { cpu: "1", memory: 64Mi }, limits: { memory: 64Mi } } }]
            """);

        var deployment = body["results"]![1]!;
        deployment["verdict"]!.GetValue<string>().ShouldBe("denied");
        deployment["violations"]![0]!["message"]!.GetValue<string>().ShouldBe(
            "Deployment team-a/web needs requests.cpu 2 (2 replicas × 1) but ResourceQuota compute in team-a has 1 left (4 hard, 3 used)");
    }

    [Fact]
    public async Task An_admission_review_body_is_judged_as_the_webhook_would()
    {
        var (status, body) = await EvaluateAsync(Encoding.UTF8.GetString(Fixtures.Read("v1.24/update-deployment.json")), "application/json");

        status.ShouldBe(HttpStatusCode.OK);
        var result = body["results"]!.AsArray().ShouldHaveSingleItem()!;
        result["kind"]!.GetValue<string>().ShouldBe("Deployment");
        result["namespace"]!.GetValue<string>().ShouldBe("test");
        result["name"]!.GetValue<string>().ShouldBe("web");
        result["verdict"]!.GetValue<string>().ShouldBe("denied");
    }

    [Fact]
    public async Task Invalid_documents_are_named_with_their_number_and_the_rest_still_judged()
    {
        var (status, body) = await EvaluateAsync("""
            apiVersion: v1
            kind: Pod
            metadata: { name: ok }
            spec: { containers: [{ name: a, image: "nginx:1.27" }] }
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: broken }
            spec: { replicas: 1 }
            ---
            kind: [unclosed
            """);

        status.ShouldBe(HttpStatusCode.BadRequest);
        var results = body["results"]!.AsArray();
        results[0]!["verdict"]!.GetValue<string>().ShouldBe("denied");
        results[1]!["verdict"]!.GetValue<string>().ShouldBe("invalid");
        results[1]!["error"]!.GetValue<string>().ShouldBe("Deployment 'broken' has no pod spec at spec.template.spec");
        results[2]!["document"]!.GetValue<int>().ShouldBe(3);
        results[2]!["error"]!.GetValue<string>().ShouldStartWith("invalid YAML at line");
    }

    [Fact]
    public async Task An_empty_body_is_a_400()
    {
        var (status, body) = await EvaluateAsync("");

        status.ShouldBe(HttpStatusCode.BadRequest);
        body["detail"]!.GetValue<string>().ShouldContain("send one or more YAML or JSON documents");
    }

    [Fact]
    public async Task The_packs_endpoint_shows_what_serves()
    {
        using var client = _fixture.Server.CreateClient();

        var packs = JsonNode.Parse(await client.GetStringAsync("/api/v1/packs", TestContext.Current.CancellationToken))!;

        packs["state"]!.GetValue<string>().ShouldBe("serving");
        packs["packs"]![0]!["name"]!.GetValue<string>().ShouldBe("baseline");
        packs["packs"]![0]!["rules"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ShouldBe(["run-as-non-root", "resource-requirements", "image-tag", "quota-fits"]);
    }

    [Fact]
    public async Task Health_readiness_and_the_OpenAPI_description_are_served()
    {
        using var client = _fixture.Server.CreateClient();

        (await client.GetStringAsync("/healthz", TestContext.Current.CancellationToken)).ShouldBe("ok");
        (await client.GetStringAsync("/readyz", TestContext.Current.CancellationToken)).ShouldBe("ready");
        var openApi = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken))!;
        var paths = openApi["paths"]!.AsObject().Select(p => p.Key).ToList();
        paths.ShouldContain("/validate");
        paths.ShouldContain("/mutate");
        paths.ShouldContain("/api/v1/evaluate");
        paths.ShouldContain("/api/v1/packs");
    }
}
