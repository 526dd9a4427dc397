using System.Text.Json.Nodes;
using Guardrails.Tests;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Tests.Cluster;
using Guardrails.Webhook.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Guardrails.Webhook.Tests.Admission;

/// <summary>
/// Issue 14: the shipped day2 pack judged through /validate on the recorded v1.26 requests (namespace rec-team),
/// with the namespace opted in by its label and the workload summary cache fed by what was admitted.
/// </summary>
public sealed class Day2PackTests
{
    private const string Sequence = "v1.26/09-pdb-hpa-service-ingress-networkpolicy/";

    /// <summary>The shipped pack switched on (it ships disabled): still opt-in by namespace label and in Warn.</summary>
    private static string ShippedPack => File.ReadAllText(Path.Combine(RepoPaths.Policies, "day2.yaml"))
        .Replace("enabled: false", "enabled: true", StringComparison.Ordinal);

    /// <summary>The shipped pack with every rule switched to Enforce, as a team does once the warnings are gone.</summary>
    private static string EnforcedPack => ShippedPack.Replace("mode: Warn", "mode: Enforce", StringComparison.Ordinal);

    private static JsonNode Recorded(string relative) => JsonNode.Parse(Fixtures.Read(relative))!;

    private static string RecordedDeployment(int replicas)
    {
        var review = Recorded("v1.26/01-deployment-create-3x500m/0012-validate-CREATE-Deployment-web.json");
        review["request"]!["object"]!["spec"]!["replicas"] = replicas;
        return review.ToJsonString();
    }

    private static async Task<LiveStateHarness> StartAsync(string pack)
    {
        var harness = await LiveStateHarness.StartAsync(
            bed => bed.Server.Upsert(new
            {
                apiVersion = "v1",
                kind = "Namespace",
                metadata = new { name = "rec-team", labels = new Dictionary<string, string> { ["guardrails.dev/day2"] = "enabled" } },
            }),
            packs: pack);
        var state = harness.Guardrails.App.Services.GetRequiredService<LiveClusterState>();
        await LiveStateHarness.EventuallyAsync(
            () => Task.FromResult(state.IsSynced && state.Current.GetNamespace("rec-team")?.Labels.ContainsKey("guardrails.dev/day2") == true),
            "namespace rec-team with its day2 label seen");
        return harness;
    }

    [Fact]
    public async Task The_shipped_pack_once_enabled_warns_about_the_recorded_deployment_without_a_readiness_probe_and_allows_it()
    {
        await using var harness = await StartAsync(ShippedPack);
        using var client = harness.Guardrails.CreateClient();

        var response = await harness.ValidateAsync(client, RecordedDeployment(3));

        response.Allowed.ShouldBeTrue(response.Message);
        response.Warnings.ShouldContain(w => w.Contains("probes-required", StringComparison.Ordinal)
            && w.Contains("spec.template.spec.containers[0].readinessProbe", StringComparison.Ordinal)
            && w.Contains("add readinessProbe", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_pdb_with_min_available_equal_to_the_admitted_deployments_replicas_is_denied_with_the_arithmetic()
    {
        await using var harness = await StartAsync(EnforcedPack.Replace("- id: probes-required\n      mode: Enforce", "- id: probes-required\n      mode: Warn", StringComparison.Ordinal));
        using var client = harness.Guardrails.CreateClient();
        (await harness.ValidateAsync(client, RecordedDeployment(2))).Allowed.ShouldBeTrue("the Deployment itself only warns (probes-required stays in Warn)");

        // The recorded budget asks minAvailable 2 of app=web: the Deployment admitted a moment ago runs 2.
        var response = await harness.ValidateAsync(client, Recorded(Sequence + "0263-validate-CREATE-PodDisruptionBudget-web.json").ToJsonString());

        response.Allowed.ShouldBeFalse();
        response.Message.ShouldNotBeNull();
        response.Message.ShouldContain("pdb-allows-disruption");
        response.Message.ShouldContain("spec.minAvailable");
        response.Message.ShouldContain("PodDisruptionBudget web requires minAvailable 2 of 2 pods selected from Deployment web (2 replicas)");
        response.Message.ShouldContain("2 - 2 = 0 pods may ever be evicted");
        response.Message.ShouldContain("set minAvailable to 1 or less");
    }

    [Fact]
    public async Task The_recorded_pdb_leaving_one_of_three_replicas_evictable_is_allowed_without_warnings()
    {
        await using var harness = await StartAsync(EnforcedPack);
        using var client = harness.Guardrails.CreateClient();
        var deployment = JsonNode.Parse(RecordedDeployment(3))!;
        deployment["request"]!["object"]!["spec"]!["template"]!["spec"]!["containers"]![0]!["readinessProbe"] = JsonNode.Parse("""{"httpGet":{"path":"/healthz","port":8080}}""");
        (await harness.ValidateAsync(client, deployment.ToJsonString())).Allowed.ShouldBeTrue();

        var response = await harness.ValidateAsync(client, Recorded(Sequence + "0263-validate-CREATE-PodDisruptionBudget-web.json").ToJsonString());

        response.Allowed.ShouldBeTrue(response.Message);
        response.Warnings.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_pdb_that_selects_no_workload_is_allowed_with_a_warning_even_when_enforced()
    {
        await using var harness = await StartAsync(EnforcedPack);
        using var client = harness.Guardrails.CreateClient();

        var response = await harness.ValidateAsync(client, Recorded(Sequence + "0263-validate-CREATE-PodDisruptionBudget-web.json").ToJsonString());

        response.Allowed.ShouldBeTrue(response.Message);
        response.Warnings.ShouldContain(w => w.Contains("selects no Deployment, StatefulSet, ReplicaSet or ReplicationController in namespace rec-team", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_recorded_ingress_without_tls_is_denied_when_enforced_naming_its_host()
    {
        await using var harness = await StartAsync(EnforcedPack);
        using var client = harness.Guardrails.CreateClient();

        var response = await harness.ValidateAsync(client, Recorded(Sequence + "0272-validate-CREATE-Ingress-web.json").ToJsonString());

        response.Allowed.ShouldBeFalse();
        response.Message.ShouldNotBeNull();
        response.Message.ShouldContain("ingress-tls");
        response.Message.ShouldContain("spec.rules[0].host");
        response.Message.ShouldContain("routes host web.example.com without TLS");
    }

    [Fact]
    public async Task The_recorded_cluster_ip_service_is_allowed_and_the_same_service_as_node_port_is_denied()
    {
        await using var harness = await StartAsync(EnforcedPack);
        using var client = harness.Guardrails.CreateClient();
        var review = Recorded(Sequence + "0267-validate-CREATE-Service-web.json");

        (await harness.ValidateAsync(client, review.ToJsonString())).Allowed.ShouldBeTrue();

        review["request"]!["uid"] = "node-port";
        review["request"]!["object"]!["spec"]!["type"] = "NodePort";
        var response = await harness.ValidateAsync(client, review.ToJsonString());
        response.Allowed.ShouldBeFalse();
        response.Message.ShouldNotBeNull();
        response.Message.ShouldContain("service-type");
        response.Message.ShouldContain("Service web is of type NodePort, which namespace rec-team may not use");
    }
}
