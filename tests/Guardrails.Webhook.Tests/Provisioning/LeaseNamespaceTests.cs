using System.Text.Json.Nodes;
using Guardrails.Webhook.Tests.Cluster;
using Guardrails.Webhook.Tests.Support;

namespace Guardrails.Webhook.Tests.Provisioning;

/// <summary>Issue 11, item 4: serve's own namespace (where the provisioning Lease lives) missing outside a cluster install.</summary>
[Collection(ProvisioningLifecycleCollection.Name)]
public sealed class LeaseNamespaceTests
{
    [Fact]
    public async Task Serve_creates_its_own_namespace_when_it_may_and_takes_the_lease()
    {
        await using var harness = await LiveStateHarness.StartAsync();

        await LiveStateHarness.EventuallyAsync(
            () => Task.FromResult(harness.Bed.Server.Get("/apis/coordination.k8s.io/v1/namespaces/guardrails/leases/guardrails-provisioner") is not null),
            "the Lease was taken in the namespace Guardrails created");
        harness.Bed.Server.Get("/api/v1/namespaces/guardrails").ShouldNotBeNull();
    }

    [Fact]
    public async Task When_it_may_not_readyz_the_log_and_the_environments_say_which_namespace_is_missing_and_how_to_fix_it()
    {
        // Every write under /api/v1/namespaces is forbidden, creating the namespace included.
        await using var harness = await LiveStateHarness.StartAsync(bed => bed.Server.FailNext(403, 100_000, "/api/v1/namespaces"));
        harness.Bed.Server.Upsert(new JsonObject
        {
            ["apiVersion"] = "guardrails.dev/v1alpha1",
            ["kind"] = "Environment",
            ["metadata"] = new JsonObject { ["name"] = "team-a-dev" },
            ["spec"] = ProvisioningHarness.Spec(),
        });
        using var client = harness.Guardrails.CreateClient();

        string? readiness = null;
        await LiveStateHarness.EventuallyAsync(
            async () => (readiness = await client.GetStringOrProblemAsync("/readyz")).Contains("namespace 'guardrails' does not exist", StringComparison.Ordinal),
            "readyz names the missing namespace");
        var problem = readiness!;
        problem.ShouldContain("kubectl create namespace guardrails");
        problem.ShouldContain("--namespace");
        harness.Guardrails.Logs.Lines.ShouldContain(l => l.Contains("Provisioning cannot lead: namespace 'guardrails' does not exist", StringComparison.Ordinal));

        JsonNode? leading = null;
        await LiveStateHarness.EventuallyAsync(
            () => Task.FromResult((leading = harness.Bed.Server.Get("/apis/guardrails.dev/v1alpha1/environments/team-a-dev")?["status"]?["conditions"]?.AsArray()
                .FirstOrDefault(c => c?["type"]?.GetValue<string>() == "Leading")) is not null),
            "the Environment says no controller leads");
        leading!["status"]!.GetValue<string>().ShouldBe("False");
        leading["reason"]!.GetValue<string>().ShouldBe("NoLeader");
        leading["message"]!.GetValue<string>().ShouldContain("kubectl create namespace guardrails");
    }
}
