using System.Text.Json.Nodes;
using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Hosting.Tls;
using Microsoft.Extensions.DependencyInjection;
using static Guardrails.Webhook.Tests.Admission.Day2Harness;

namespace Guardrails.Webhook.Tests.Admission;

/// <summary>
/// Issue 14: network-policy-keeps-platform-access through /validate on the recorded v1.26 NetworkPolicy requests,
/// judged over rec-team's policies as they would be after the change (the others from the watch cache), by union.
/// </summary>
public sealed class Day2NetworkPolicyTests
{
    private const string CreateDefaultDeny = Sequence + "0275-validate-CREATE-NetworkPolicy-default-deny.json";

    [Fact]
    public async Task The_recorded_default_deny_alone_is_denied_naming_the_pods_it_shuts_out_of_monitoring()
    {
        await using var harness = await StartAsync(EnforcedPack, StoredDeployment(3));
        using var client = harness.Guardrails.CreateClient();

        var response = await harness.ValidateAsync(client, Recorded(CreateDefaultDeny).ToJsonString());

        response.Allowed.ShouldBeFalse();
        response.Message.ShouldNotBeNull();
        response.Message.ShouldContain("[network-policy-keeps-platform-access] spec (podSelector {} (every pod), 0 ingress rule(s))");
        response.Message.ShouldContain("with NetworkPolicy default-deny as written, the pods of Deployment web in namespace rec-team are isolated for ingress (by default-deny) with no policy selecting them that allows ingress from the platform namespaces (monitoring)");
        response.Message.ShouldContain("pods that no label selects (any new pod)");
        response.Message.ShouldContain("namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}");
    }

    [Fact]
    public async Task The_recorded_default_deny_beside_an_allow_from_monitoring_is_allowed()
    {
        await using var harness = await StartAsync(EnforcedPack, StoredDeployment(3), AllowFromMonitoring());
        using var client = harness.Guardrails.CreateClient();

        var response = await harness.ValidateAsync(client, Recorded(CreateDefaultDeny).ToJsonString());

        response.Allowed.ShouldBeTrue(response.Message);
        response.Warnings.ShouldBeEmpty();
    }

    [Fact]
    public async Task Deleting_the_allow_from_monitoring_beside_a_default_deny_is_denied()
    {
        await using var harness = await StartAsync(EnforcedPack, StoredDeployment(3), AllowFromMonitoring(), DefaultDeny());
        using var client = harness.Guardrails.CreateClient();

        var response = await harness.ValidateAsync(client, NetworkPolicyReview("DELETE", null, AllowFromMonitoring()));

        response.Allowed.ShouldBeFalse();
        response.Message.ShouldNotBeNull();
        response.Message.ShouldContain("[network-policy-keeps-platform-access] metadata.name (allow-monitoring)");
        response.Message.ShouldContain("deleting NetworkPolicy allow-monitoring leaves the pods of Deployment web in namespace rec-team isolated for ingress (by default-deny)");
        response.Message.ShouldContain("keep NetworkPolicy allow-monitoring");
    }

    [Fact]
    public async Task Updating_the_allow_from_monitoring_to_admit_only_the_frontend_is_denied()
    {
        await using var harness = await StartAsync(EnforcedPack, StoredDeployment(3), AllowFromMonitoring(), DefaultDeny());
        using var client = harness.Guardrails.CreateClient();
        var narrowed = AllowFromMonitoring();
        narrowed["spec"]!["ingress"] = JsonNode.Parse("""[{"from":[{"podSelector":{"matchLabels":{"app":"frontend"}}}]}]""");

        var response = await harness.ValidateAsync(client, NetworkPolicyReview("UPDATE", narrowed, AllowFromMonitoring()));

        response.Allowed.ShouldBeFalse();
        response.Message.ShouldNotBeNull();
        response.Message.ShouldContain("with NetworkPolicy allow-monitoring as written, the pods of Deployment web in namespace rec-team are isolated for ingress (by allow-monitoring, default-deny)");
    }

    [Fact]
    public async Task Deleting_the_default_deny_itself_is_allowed()
    {
        await using var harness = await StartAsync(EnforcedPack, StoredDeployment(3), DefaultDeny());
        using var client = harness.Guardrails.CreateClient();

        var response = await harness.ValidateAsync(client, Recorded("v1.26/11-namespace-delete/0334-validate-DELETE-NetworkPolicy.json").ToJsonString());

        response.Allowed.ShouldBeTrue(response.Message);
        response.Warnings.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_policy_isolating_only_other_pods_leaves_the_deployment_unaffected()
    {
        await using var harness = await StartAsync(EnforcedPack, StoredDeployment(3));
        using var client = harness.Guardrails.CreateClient();
        var db = JsonNode.Parse("""
            {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"db-from-web","namespace":"rec-team"},
             "spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"web"}}}]}]}}
            """)!;

        var response = await harness.ValidateAsync(client, NetworkPolicyReview("CREATE", db, null));

        response.Allowed.ShouldBeTrue(response.Message);
        response.Warnings.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_pack_that_judges_network_policies_asks_the_apiserver_for_their_deletes()
    {
        await using var harness = await StartAsync(EnforcedPack);
        var policy = harness.Guardrails.App.Services.GetRequiredService<PolicyStore>().Current;
        policy.ShouldNotBeNull();

        var rules = WebhookRuleSet.From(policy).Validating;

        rules.ShouldContain(r => r.Group == "networking.k8s.io" && r.Resources.Contains("networkpolicies") && r.Operations.Contains("DELETE"));
        rules.ShouldContain(r => r.Group == "apps" && r.Resources.Contains("deployments/scale"));
        rules.ShouldContain(r => r.Group == "policy" && r.Resources.Contains("poddisruptionbudgets") && !r.Operations.Contains("DELETE"));
    }
}
