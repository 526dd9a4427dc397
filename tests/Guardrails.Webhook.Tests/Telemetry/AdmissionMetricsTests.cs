using System.Text.Json.Nodes;
using Guardrails.Webhook.Tests.Support;

namespace Guardrails.Webhook.Tests.Telemetry;

[Collection(GuardrailsMeterCollection.Name)]
public sealed class AdmissionMetricsTests
{
    [Fact]
    public async Task Requests_violations_and_latency_reach_the_metrics_endpoint()
    {
        await using var server = await GuardrailsServer.StartAsync();
        using var client = server.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            using var denied = await client.PostAsync("/validate?timeout=10s", Fixtures.Json(Fixtures.Read("v1.24/create-pod.json")), TestContext.Current.CancellationToken);
        }

        using var dryRun = await client.PostAsync("/api/v1/evaluate", new StringContent("apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n", System.Text.Encoding.UTF8, "application/yaml"), TestContext.Current.CancellationToken);
        using var broken = await client.PostAsync("/validate", Fixtures.Json("{"), TestContext.Current.CancellationToken);

        var metrics = await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);

        metrics.ShouldContain("""guardrails_requests_total{otel_scope_name="Guardrails",door="admission",kind="Pod",operation="validate",verdict="denied"} 3""");
        metrics.ShouldContain("""guardrails_requests_total{otel_scope_name="Guardrails",door="dryrun",kind="ConfigMap",operation="evaluate",verdict="skipped"} 1""");
        metrics.ShouldContain("""guardrails_violations_total{otel_scope_name="Guardrails",mode="Enforce",rule="image-tag"} 3""");
        metrics.ShouldContain("""guardrails_violations_total{otel_scope_name="Guardrails",mode="Enforce",rule="resource-requirements"} 9""");
        metrics.ShouldContain("""guardrails_request_duration_seconds_bucket{otel_scope_name="Guardrails",door="admission",kind="Pod",operation="validate",verdict="denied",le="5E-05"}""");
        metrics.ShouldContain("""guardrails_request_duration_seconds_count{otel_scope_name="Guardrails",door="admission",kind="Pod",operation="validate",verdict="denied"} 3""");
        metrics.ShouldContain("""guardrails_pack_reloads_total{otel_scope_name="Guardrails",result="success"} 1""");
        metrics.ShouldContain("""guardrails_packs_loaded{otel_scope_name="Guardrails"} 2""");
    }

    [Fact]
    public async Task A_refused_pack_edit_is_counted()
    {
        await using var server = await GuardrailsServer.StartAsync();
        using var client = server.CreateClient();

        await File.WriteAllTextAsync(Path.Combine(server.PoliciesDirectory, "broken.yaml"), "apiVersion: nope", TestContext.Current.CancellationToken);

        for (var attempt = 0; attempt < 40; attempt++)
        {
            var packs = JsonNode.Parse(await client.GetStringAsync("/api/v1/packs", TestContext.Current.CancellationToken))!;
            if (packs["state"]!.GetValue<string>() == "serving-last-good")
            {
                break;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        (await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken))
            .ShouldContain("""guardrails_pack_reloads_total{otel_scope_name="Guardrails",result="failure"} 1""");
    }

    [Fact]
    public async Task Requests_judged_without_synced_cluster_state_are_counted()
    {
        await using var harness = await Cluster.LiveStateHarness.StartAsync(bed => bed.Server.FailNext(503, 1000, "resourcequotas"));
        using var client = harness.Guardrails.CreateClient();

        var verdict = await harness.ValidateAsync(client, Cluster.LiveStateHarness.Deployment("web", 1, "1"));
        var metrics = await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);

        verdict.Warnings.ShouldHaveSingleItem().ShouldContain("cluster state is unavailable");
        metrics.ShouldContain("""guardrails_cluster_state_stale_total{otel_scope_name="Guardrails",reason="not-synced"} 1""");
    }
}
