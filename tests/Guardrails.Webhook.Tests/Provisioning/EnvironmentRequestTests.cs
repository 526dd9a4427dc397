using System.Text.Json;
using Guardrails.Policies.Quantities;
using Guardrails.Webhook.Provisioning;

namespace Guardrails.Webhook.Tests.Provisioning;

public sealed class EnvironmentRequestTests
{
    private const string Environment = """
        apiVersion: guardrails.dev/v1alpha1
        kind: Environment
        metadata:
          name: team-a-web
        spec:
          team: team-a
          name: web
          tier: staging
          resources:
            cpu: 4
            memory: 16Gi
            storage: "50Gi"
            pods: 30
          members:
            viewers: { groups: [auditors] }
            editors: { users: [dev@example.com, dev@example.com], groups: [team-a-devs] }
            admins: { users: [lead@example.com] }
          ttl: 1h30m
        status:
          phase: Ready
        """;

    [Fact]
    public void Reads_an_Environment_object()
    {
        var result = EnvironmentRequest.FromObject(ProvisioningFixtures.Json(Environment));

        result.Errors.ShouldBeEmpty();
        result.Succeeded.ShouldBeTrue();
        var request = result.Request;
        (request.Team, request.Name, request.Tier, request.Namespace).ShouldBe(("team-a", "web", "staging", "team-a-web"));
        request.Resources.ShouldBe(new EnvironmentResources(Quantity.Parse("4"), Quantity.Parse("16Gi"), Quantity.Parse("50Gi"), Quantity.Parse("30")));
        request.Members.Viewers.Groups.ShouldBe(["auditors"]);
        request.Members.Viewers.Users.ShouldBeEmpty();
        request.Members.Editors.Users.ShouldBe(["dev@example.com"]);
        request.Members.Editors.Groups.ShouldBe(["team-a-devs"]);
        request.Members.Admins.Users.ShouldBe(["lead@example.com"]);
        request.Ttl.ShouldBe(TimeSpan.FromMinutes(90));
    }

    [Fact]
    public void Reads_the_REST_body_which_is_the_spec_alone()
    {
        var result = EnvironmentRequest.FromSpec(ProvisioningFixtures.Json("""
            {"team":"team-a","name":"api","tier":"dev","resources":{"cpu":"500m","memory":"1Gi"}}
            """));

        result.Errors.ShouldBeEmpty();
        result.Request!.Namespace.ShouldBe("team-a-api");
        result.Request.Resources.Cpu.ShouldBe(Quantity.Parse("0.5"));
        result.Request.Resources.Storage.ShouldBeNull();
        result.Request.Members.ShouldBe(EnvironmentMembers.None);
        result.Request.Ttl.ShouldBeNull();
    }

    [Fact]
    public void A_bad_quantity_is_an_error_naming_the_field_not_an_exception()
    {
        var result = EnvironmentRequest.FromSpec(ProvisioningFixtures.Json("""
            {"team":"team-a","name":"web","tier":"dev","resources":{"cpu":"2x","memory":"1Gi"}}
            """));

        result.Succeeded.ShouldBeFalse();
        result.Request.ShouldBeNull();
        var error = result.Errors.ShouldHaveSingleItem();
        error.Path.ShouldBe("spec.resources.cpu");
        error.ToString().ShouldStartWith("spec.resources.cpu: '2x' is not a valid quantity");
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_its_path()
    {
        var result = EnvironmentRequest.FromSpec(ProvisioningFixtures.Json("""
            {
              "team": 7,
              "tier": "dev",
              "resources": { "cpu": "-1", "pods": "2.5", "gpu": "1" },
              "members": { "editors": { "users": "dev@example.com", "groups": ["", "ok"] }, "owners": {} },
              "ttl": "3d",
              "size": "large"
            }
            """));

        result.Succeeded.ShouldBeFalse();
        result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal).ShouldBe(
        [
            "spec.members.editors.groups[0]",
            "spec.members.editors.users",
            "spec.members.owners",
            "spec.name",
            "spec.resources.cpu",
            "spec.resources.gpu",
            "spec.resources.memory",
            "spec.resources.pods",
            "spec.size",
            "spec.team",
            "spec.ttl",
        ]);
        result.Errors.Single(e => e.Path == "spec.team").Message.ShouldBe("must be a string, not the number 7");
        result.Errors.Single(e => e.Path == "spec.name").Message.ShouldBe("required");
        result.Errors.Single(e => e.Path == "spec.resources.cpu").Message.ShouldBe("'-1' is negative");
        result.Errors.Single(e => e.Path == "spec.resources.pods").Message.ShouldBe("'2.5' is not a whole number of pods");
        result.Errors.Single(e => e.Path == "spec.resources.memory").Message.ShouldStartWith("required");
        result.Errors.Single(e => e.Path == "spec.size").Message.ShouldBe("unknown field (expected one of: team, name, tier, resources, members, ttl)");
        result.Errors.Single(e => e.Path == "spec.ttl").Message.ShouldStartWith("'3d' is not a duration");
    }

    [Fact]
    public void Zero_cpu_or_memory_is_refused_but_zero_storage_and_pods_are_allowed()
    {
        var result = EnvironmentRequest.FromSpec(ProvisioningFixtures.Json("""
            {"team":"team-a","name":"web","tier":"dev","resources":{"cpu":0,"memory":"1Gi","storage":0,"pods":0}}
            """));

        result.Errors.ShouldHaveSingleItem().Path.ShouldBe("spec.resources.cpu");
    }

    [Fact]
    public void An_object_must_be_an_Environment_named_after_its_namespace()
    {
        var result = EnvironmentRequest.FromObject(ProvisioningFixtures.Json(
            Environment.Replace("kind: Environment", "kind: Namespace", StringComparison.Ordinal)
                .Replace("guardrails.dev/v1alpha1", "guardrails.dev/v1", StringComparison.Ordinal)
                .Replace("name: team-a-web", "name: web", StringComparison.Ordinal)));

        result.Errors.Select(e => e.ToString()).ShouldBe(
        [
            "apiVersion: must be 'guardrails.dev/v1alpha1', not 'guardrails.dev/v1'",
            "kind: must be 'Environment', not 'Namespace'",
            "metadata.name: must be 'team-a-web' (spec.team, '-', spec.name: the namespace it provisions), not 'web'",
        ]);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"team-a\"")]
    [InlineData("null")]
    public void Input_that_is_not_an_object_is_an_error(string json)
    {
        using var document = JsonDocument.Parse(json);

        EnvironmentRequest.FromSpec(document.RootElement).Errors.ShouldHaveSingleItem().Path.ShouldBe("spec");
        EnvironmentRequest.FromObject(document.RootElement).Errors.ShouldHaveSingleItem().Path.ShouldBe("(object)");
    }

    [Fact]
    public void An_object_without_spec_says_so()
    {
        var result = EnvironmentRequest.FromObject(ProvisioningFixtures.Json("""
            {"apiVersion":"guardrails.dev/v1alpha1","kind":"Environment","metadata":{"name":"x"}}
            """));

        result.Errors.ShouldHaveSingleItem().ToString().ShouldBe("spec: required");
    }
    [Fact]
    public void The_REST_body_read_from_its_text_says_the_line_and_column_of_each_error()
    {
        const string Body = """
            {
              "team": 7,
              "name": "web",
              "tier": "dev",
              "resources": { "cpu": "-1", "memory": "1Gi" }
            }
            """;
        using var parsed = JsonDocument.Parse(Body);

        var result = EnvironmentRequest.FromSpec(Body, parsed.RootElement);

        result.Errors.Select(e => e.ToString()).ShouldBe(
        [
            "body:2:11: spec.team: must be a string, not the number 7",
            "body:5:25: spec.resources.cpu: '-1' is negative",
        ]);
        result.Errors.Select(e => (e.Path, e.Message)).ShouldBe(EnvironmentRequest.FromSpec(parsed.RootElement).Errors.Select(e => (e.Path, e.Message)));
    }

    [Fact]
    public void A_body_that_YAML_reads_otherwise_than_JSON_is_read_as_JSON_without_positions()
    {
        // JSON takes the last of duplicate keys; YAML refuses them.
        const string body = """{"team":"team-a","team":7,"name":"web","tier":"dev","resources":{"cpu":"1","memory":"1Gi"}}""";
        using var parsed = JsonDocument.Parse(body);

        var error = EnvironmentRequest.FromSpec(body, parsed.RootElement).Errors.ShouldHaveSingleItem();

        error.ToString().ShouldBe("spec.team: must be a string, not the number 7");
        error.Line.ShouldBe(0);
    }
}
