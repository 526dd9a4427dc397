using System.Net;
using System.Text.Json.Nodes;
using Guardrails.Webhook.Tests.Support;

namespace Guardrails.Webhook.Tests.Admission;

/// <summary>The requests a real kube-apiserver sent, replayed over real HTTPS on 127.0.0.1, HTTP/1.1 and HTTP/2.</summary>
public sealed class RecordedRequestTests : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _fixture;

    public RecordedRequestTests(ServerFixture fixture)
    {
        _fixture = fixture;
    }

    public static TheoryData<string, string> RecordedOverBothProtocols()
    {
        var data = new TheoryData<string, string>();
        foreach (var fixture in Fixtures.Recorded())
        {
            data.Add(fixture, "1.1");
            data.Add(fixture, "2.0");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RecordedOverBothProtocols))]
    public async Task Answers_every_recorded_request_with_the_expected_verdict(string fixture, string httpVersion)
    {
        var body = Fixtures.Read(fixture);
        var request = JsonNode.Parse(body)!["request"]!;
        using var client = _fixture.Server.CreateClient(Version.Parse(httpVersion));

        using var http = await client.PostAsync("/validate?timeout=10s", Fixtures.Json(body), TestContext.Current.CancellationToken);

        http.Version.ShouldBe(Version.Parse(httpVersion));
        var response = await AdmissionResponse.ReadAsync(http);
        response.Uid.ShouldBe(request["uid"]!.GetValue<string>());
        var kind = request["kind"]!["kind"]!.GetValue<string>();
        var operation = request["operation"]!.GetValue<string>();
        if (kind == "Namespace" || operation == "DELETE")
        {
            response.Allowed.ShouldBeTrue();
            return;
        }

        // Every recorded workload is non-compliant with the baseline pack: no resources, may run as root.
        response.Allowed.ShouldBeFalse();
        response.Code.ShouldBe(403);
        response.Message.ShouldNotBeNull();
        response.Message.ShouldContain("[run-as-non-root]");
        response.Message.ShouldContain("[resource-requirements]");
        response.Message.ShouldContain("Fix:");
        var images = request["object"]!.ToJsonString();
        if (images.Contains("nginx:latest", StringComparison.Ordinal) || images.Contains("\"image\":\"nginx\"", StringComparison.Ordinal))
        {
            response.Message.ShouldContain("[image-tag]");
        }
    }

    [Fact]
    public async Task Denial_lists_every_violation_with_rule_path_value_and_fix()
    {
        using var client = _fixture.Server.CreateClient();

        using var http = await client.PostAsync("/validate", Fixtures.Json(Fixtures.Read("v1.24/create-pod.json")), TestContext.Current.CancellationToken);

        var response = await AdmissionResponse.ReadAsync(http);
        response.Message.ShouldBe("""
            Guardrails denied Pod default/x: 5 violations
            - [run-as-non-root] spec.containers[0].securityContext.runAsNonRoot (unset): container 'x' may run as root: runAsNonRoot is set neither on it nor on the pod. Fix: set runAsNonRoot: true on the pod (spec.securityContext) or on this container
            - [resource-requirements] spec.containers[0].resources.requests.cpu (unset): container 'x' has no CPU request. Fix: set resources.requests.cpu (for example 100m)
            - [resource-requirements] spec.containers[0].resources.requests.memory (unset): container 'x' has no memory request. Fix: set resources.requests.memory (for example 128Mi)
            - [resource-requirements] spec.containers[0].resources.limits.memory (unset): container 'x' has no memory limit. Fix: set resources.limits.memory (for example 256Mi)
            - [image-tag] spec.containers[0].image (nginx:latest): container 'x' image 'nginx:latest' uses the tag 'latest', which moves and pins nothing. Fix: pin a version tag (for example nginx:1.2.3) or a digest
            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Mutate_returns_no_patch_when_nothing_changes()
    {
        using var client = _fixture.Server.CreateClient(HttpVersion.Version20);

        using var http = await client.PostAsync("/mutate?timeout=10s", Fixtures.Json(Fixtures.Read("v1.24/create-pod.json")), TestContext.Current.CancellationToken);

        var response = await AdmissionResponse.ReadAsync(http);
        response.Allowed.ShouldBeTrue();
        response.PatchType.ShouldBeNull();
        response.Patch.ShouldBeNull();
    }

    [Theory]
    [InlineData("kube-system")]
    [InlineData("kube-public")]
    [InlineData("kube-node-lease")]
    [InlineData("guardrails")]
    public async Task System_namespaces_and_our_own_are_not_evaluated(string ns)
    {
        var review = JsonNode.Parse(Fixtures.Read("v1.24/create-pod.json"))!;
        review["request"]!["namespace"] = ns;
        review["request"]!["object"]!["metadata"]!["namespace"] = ns;
        using var client = _fixture.Server.CreateClient();

        using var http = await client.PostAsync("/validate", Fixtures.Json(review.ToJsonString()), TestContext.Current.CancellationToken);

        (await AdmissionResponse.ReadAsync(http)).Allowed.ShouldBeTrue();
    }

    [Theory]
    [InlineData("status", true)]
    [InlineData("ephemeralcontainers", false)]
    public async Task Subresources_are_handled_on_purpose(string subResource, bool allowed)
    {
        var review = JsonNode.Parse(Fixtures.Read("v1.24/create-pod.json"))!;
        review["request"]!["subResource"] = subResource;
        review["request"]!["operation"] = "UPDATE";
        review["request"]!["oldObject"] = review["request"]!["object"]!.DeepClone();

        // kubectl debug: a new ephemeral container, which may run as root, is what the update adds.
        review["request"]!["object"]!["spec"]!["ephemeralContainers"] = new JsonArray(new JsonObject { ["name"] = "debugger", ["image"] = "busybox:1.36" });
        using var client = _fixture.Server.CreateClient();

        using var http = await client.PostAsync("/validate", Fixtures.Json(review.ToJsonString()), TestContext.Current.CancellationToken);

        (await AdmissionResponse.ReadAsync(http)).Allowed.ShouldBe(allowed);
    }

    [Fact]
    public async Task Scale_subresource_is_allowed_with_a_warning_that_says_quota_was_not_checked()
    {
        var scale = new JsonObject
        {
            ["apiVersion"] = "autoscaling/v1",
            ["kind"] = "Scale",
            ["metadata"] = new JsonObject { ["name"] = "web", ["namespace"] = "team-a" },
            ["spec"] = new JsonObject { ["replicas"] = 50 },
        };
        var review = JsonNode.Parse(Fixtures.Wrap(scale, "scale-1", "autoscaling", "v1", "Scale"))!;
        review["request"]!["subResource"] = "scale";
        using var client = _fixture.Server.CreateClient();

        using var http = await client.PostAsync("/validate", Fixtures.Json(review.ToJsonString()), TestContext.Current.CancellationToken);

        var response = await AdmissionResponse.ReadAsync(http);
        response.Allowed.ShouldBeTrue();
        response.Warnings.ShouldHaveSingleItem().ShouldContain("not checked against ResourceQuota");
    }
}
