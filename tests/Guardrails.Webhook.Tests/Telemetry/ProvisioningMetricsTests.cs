using Guardrails.Webhook.Tests.Provisioning;

namespace Guardrails.Webhook.Tests.Telemetry;

[Collection(GuardrailsMeterCollection.Name)]
public sealed class ProvisioningMetricsTests
{
    [Fact]
    public async Task The_self_serve_door_counts_and_times_each_answer_by_verdict()
    {
        await using var harness = await ProvisioningHarness.StartAsync();

        (await harness.PostAsync(ProvisioningHarness.AliceToken, ProvisioningHarness.Spec())).Status.ShouldBe(201);
        (await harness.PostAsync(ProvisioningHarness.AliceToken, ProvisioningHarness.Spec(name: "big", cpu: "100"))).Status.ShouldBe(422);
        (await harness.PostAsync(ProvisioningHarness.AliceToken, ProvisioningHarness.Spec(name: "preview"), "?dryRun=true")).Status.ShouldBe(200);
        (await harness.PostAsync(null, ProvisioningHarness.Spec(name: "nobody"))).Status.ShouldBe(401);
        using var client = harness.Live.Guardrails.CreateClient();

        var metrics = await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);

        metrics.ShouldContain("""guardrails_requests_total{door="provisioning",kind="Environment",operation="create",verdict="ready"} 1""");
        metrics.ShouldContain("""guardrails_requests_total{door="provisioning",kind="Environment",operation="create",verdict="rejected"} 1""");
        metrics.ShouldContain("""guardrails_requests_total{door="provisioning",kind="Environment",operation="plan",verdict="ok"} 1""");
        metrics.ShouldContain("""guardrails_requests_total{door="provisioning",kind="Environment",operation="create",verdict="unauthorized"} 1""");

        // Time to Ready lands in the histogram the 3 s promise is watched with.
        metrics.ShouldContain("""guardrails_request_duration_seconds_count{door="provisioning",kind="Environment",operation="create",verdict="ready"} 1""");
        metrics.ShouldContain("""guardrails_request_duration_seconds_bucket{door="provisioning",kind="Environment",operation="create",verdict="ready",le="5"}""");
    }
}
