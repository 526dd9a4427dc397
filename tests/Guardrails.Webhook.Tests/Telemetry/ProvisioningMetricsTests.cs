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

        metrics.ShouldContain("""guardrails_requests_total{otel_scope_name="Guardrails",door="provisioning",kind="Environment",operation="create",verdict="ready"} 1""");
        metrics.ShouldContain("""guardrails_requests_total{otel_scope_name="Guardrails",door="provisioning",kind="Environment",operation="create",verdict="rejected"} 1""");
        metrics.ShouldContain("""guardrails_requests_total{otel_scope_name="Guardrails",door="provisioning",kind="Environment",operation="plan",verdict="ok"} 1""");
        metrics.ShouldContain("""guardrails_requests_total{otel_scope_name="Guardrails",door="provisioning",kind="Environment",operation="create",verdict="unauthorized"} 1""");

        // Time to Ready lands in the histogram the 3 s promise is watched with.
        metrics.ShouldContain("""guardrails_request_duration_seconds_count{otel_scope_name="Guardrails",door="provisioning",kind="Environment",operation="create",verdict="ready"} 1""");
        metrics.ShouldContain("""guardrails_request_duration_seconds_bucket{otel_scope_name="Guardrails",door="provisioning",kind="Environment",operation="create",verdict="ready",le="5"}""");
    }

    [Fact]
    public async Task The_controller_counts_its_reconciles_and_its_retries()
    {
        await using var harness = await ProvisioningHarness.StartAsync();
        harness.Api.FailNext(500, 2, "/roles/editor");

        harness.ApplyEnvironment(ProvisioningHarness.Spec());
        await harness.WaitForPhaseAsync("team-a-dev", "Ready");
        using var client = harness.Live.Guardrails.CreateClient();

        var samples = Exposition.Parse(await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken));

        double Count(string result) => samples.Where(s => s.Name == "guardrails_provisioning_reconciles_total" && s.Labels.GetValueOrDefault("result") == result).Sum(s => double.Parse(s.Value, System.Globalization.CultureInfo.InvariantCulture));
        Count("retrying").ShouldBeGreaterThanOrEqualTo(2, "two injected failures, two retries");
        Count("done").ShouldBeGreaterThanOrEqualTo(1);
    }
}
