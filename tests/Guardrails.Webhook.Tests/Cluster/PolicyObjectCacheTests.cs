using Guardrails.Webhook.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace Guardrails.Webhook.Tests.Cluster;

/// <summary>The PodDisruptionBudget and NetworkPolicy watch caches: what they keep, and that watch events reach the snapshot.</summary>
public sealed class PolicyObjectCacheTests
{
    [Fact]
    public async Task A_budget_is_kept_as_its_selector_and_counts_and_dropped_when_deleted()
    {
        await using var harness = await LiveStateHarness.StartAsync();
        var state = harness.Guardrails.App.Services.GetRequiredService<LiveClusterState>();
        await LiveStateHarness.EventuallyAsync(() => Task.FromResult(state.IsSynced), "initial sync");

        harness.Bed.Server.Upsert(new
        {
            apiVersion = "policy/v1",
            kind = "PodDisruptionBudget",
            metadata = new { name = "web", @namespace = "team-a" },
            spec = new { minAvailable = "50%", selector = new { matchLabels = new Dictionary<string, string> { ["app"] = "web" } } },
        });
        await LiveStateHarness.EventuallyAsync(() => Task.FromResult(state.Current.DisruptionBudgetsIn("team-a").Count == 1), "budget added through the watch");

        var budget = state.Current.DisruptionBudgetsIn("team-a").Single();
        budget.Name.ShouldBe("web");
        budget.MinAvailable.ShouldBe(new Guardrails.Policies.State.IntOrPercent(50, IsPercent: true));
        budget.MaxUnavailable.ShouldBeNull();
        budget.Selects(new Dictionary<string, string> { ["app"] = "web" }).ShouldBeTrue();
        budget.Selects(new Dictionary<string, string> { ["app"] = "db" }).ShouldBeFalse();

        harness.Bed.Server.Delete("/apis/policy/v1/namespaces/team-a/poddisruptionbudgets/web");
        await LiveStateHarness.EventuallyAsync(() => Task.FromResult(state.Current.DisruptionBudgetsIn("team-a").Count == 0), "budget deleted through the watch");
    }

    [Fact]
    public async Task A_network_policy_is_kept_as_its_pod_selector_isolation_and_ingress_peers()
    {
        await using var harness = await LiveStateHarness.StartAsync();
        var state = harness.Guardrails.App.Services.GetRequiredService<LiveClusterState>();
        await LiveStateHarness.EventuallyAsync(() => Task.FromResult(state.IsSynced), "initial sync");

        harness.Bed.Server.Upsert(System.Text.Json.Nodes.JsonNode.Parse("""
            {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"web","namespace":"team-a"},
             "spec":{"podSelector":{"matchLabels":{"app":"web"}},"policyTypes":["Egress"],
                     "ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"monitoring"}}},{"ipBlock":{"cidr":"10.0.0.0/8"}}]},{}]}}
            """)!);
        await LiveStateHarness.EventuallyAsync(() => Task.FromResult(state.Current.NetworkPoliciesIn("team-a").Count == 1), "policy added through the watch");

        var policy = state.Current.NetworkPoliciesIn("team-a").Single();
        policy.IsolatesIngress.ShouldBeFalse("policyTypes names Egress only");
        policy.Ingress.Count.ShouldBe(2);
        policy.Ingress[0].From.Count.ShouldBe(2);
        policy.Ingress[0].From[0].NamespaceSelector!.Matches(new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = "monitoring" }).ShouldBeTrue();
        policy.Ingress[0].From[1].IpBlock.ShouldBe("10.0.0.0/8");
        policy.Ingress[1].AllowsEverySource.ShouldBeTrue();
        policy.Selects(new Dictionary<string, string> { ["app"] = "web" }).ShouldBeTrue();

        harness.Bed.Server.Delete("/apis/networking.k8s.io/v1/namespaces/team-a/networkpolicies/web");
        await LiveStateHarness.EventuallyAsync(() => Task.FromResult(state.Current.NetworkPoliciesIn("team-a").Count == 0), "policy deleted through the watch");
    }
}
