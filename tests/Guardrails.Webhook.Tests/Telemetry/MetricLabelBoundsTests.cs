using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Guardrails.Webhook.Tests.Support;

namespace Guardrails.Webhook.Tests.Telemetry;

/// <summary>Label values from request content come from a closed set, so no client can grow /metrics (or memory).</summary>
[Collection(GuardrailsMeterCollection.Name)]
public sealed class MetricLabelBoundsTests
{
    private static string Kinds(int from, int count) => string.Join(
        "---\n",
        Enumerable.Range(from, count).Select(i => $"apiVersion: example.com/v1\nkind: Made{i:D5}\nmetadata: {{ name: x }}\n"));

    private static async Task SendKindsAsync(HttpClient client, int from, int count)
    {
        for (var start = from; start < from + count; start += 1000)
        {
            using var http = await client.PostAsync("/api/v1/evaluate", new StringContent(Kinds(start, 1000), Encoding.UTF8, "application/yaml"), TestContext.Current.CancellationToken);
            http.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        for (var i = from; i < from + 50; i++)
        {
            var review = JsonNode.Parse(Fixtures.Read("v1.24/create-pod.json"))!;
            review["request"]!["kind"]!["kind"] = $"Admitted{i:D5}";
            using var http = await client.PostAsync("/validate", Fixtures.Json(review.ToJsonString()), TestContext.Current.CancellationToken);
            http.StatusCode.ShouldBe(HttpStatusCode.OK);
        }
    }

    private static string[] Series(string metrics) => metrics.Split('\n').Where(l => l.StartsWith("guardrails_", StringComparison.Ordinal)).ToArray();

    [Fact]
    public async Task Ten_thousand_distinct_kinds_keep_metrics_under_64_KB_with_a_fixed_series_count()
    {
        await using var server = await GuardrailsServer.StartAsync();
        using var client = server.CreateClient();

        await SendKindsAsync(client, 0, 1000);
        var before = Series(await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken));
        await SendKindsAsync(client, 1000, 9000);
        var metrics = await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);

        Encoding.UTF8.GetByteCount(metrics).ShouldBeLessThan(64 * 1024);
        Series(metrics).Length.ShouldBe(before.Length);
        metrics.ShouldNotContain("Made0");
        metrics.ShouldNotContain("Admitted0");
        metrics.ShouldContain("""guardrails_requests_total{otel_scope_name="Guardrails",door="dryrun",kind="other",operation="evaluate",verdict="skipped"} 10000""");
        metrics.ShouldContain("""guardrails_requests_total{otel_scope_name="Guardrails",door="admission",kind="other",operation="validate",verdict="skipped"} 100""");
    }
}
