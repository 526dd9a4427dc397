using System.Text.RegularExpressions;
using Guardrails.Tests;
using Guardrails.Webhook.Telemetry;
using Guardrails.Webhook.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Guardrails.Webhook.Tests.Telemetry;

/// <summary>docs/metrics.md is the contract users alert on; a real server's scrape must keep it.</summary>
[Collection(GuardrailsMeterCollection.Name)]
public sealed partial class MetricsDocumentationTests
{
    [Fact]
    public async Task Every_documented_metric_is_scraped_with_its_type_and_labels()
    {
        var documented = Documented();
        documented.Count.ShouldBeGreaterThan(10);
        await using var server = await GuardrailsServer.StartAsync();
        using var client = server.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        // What a running server does by itself: a denied admission request, a dry run, the initial pack load. The two
        // counters that need a cluster (stale state, reconciles) are recorded through the service the host uses.
        using (await client.PostAsync("/validate?timeout=10s", Fixtures.Json(Fixtures.Read("v1.24/create-pod.json")), ct))
        using (await client.PostAsync("/api/v1/evaluate", new StringContent("apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n"), ct))
        {
        }

        var metrics = server.App.Services.GetRequiredService<GuardrailsMetrics>();
        metrics.RecordStaleState("not-synced");
        metrics.RecordReconcile("done");
        metrics.SetActiveExceptions(() => [("team-a", "run-as-non-root", 1)]);

        var text = await client.GetStringAsync("/metrics", ct);
        var samples = Exposition.Parse(text);
        var types = Exposition.FamilyTypes(text);

        foreach (var (name, (type, labels)) in documented)
        {
            types.ContainsKey(name).ShouldBeTrue($"{name} is documented in docs/metrics.md but not scraped");
            types[name].ShouldBe(type, $"{name} is documented as a {type}");
            if (name.StartsWith("guardrails_", StringComparison.Ordinal))
            {
                var seen = samples.Where(s => s.Family == name)
                    .SelectMany(s => s.Labels.Keys)
                    .Where(k => k is not ("otel_scope_name" or "le"))
                    .Distinct()
                    .Order(StringComparer.Ordinal)
                    .ToArray();
                seen.ShouldBe(labels, $"{name}'s labels");
            }
        }

        // And nothing of Guardrails' own is scraped that the document does not list.
        types.Keys.Where(k => k.StartsWith("guardrails_", StringComparison.Ordinal)).ShouldBeSubsetOf(documented.Keys);
    }

    [Fact]
    public async Task The_request_duration_buckets_are_the_documented_ones()
    {
        await using var server = await GuardrailsServer.StartAsync();
        using var client = server.CreateClient();
        var ct = TestContext.Current.CancellationToken;
        using (await client.PostAsync("/validate?timeout=10s", Fixtures.Json(Fixtures.Read("v1.24/create-pod.json")), ct))
        {
        }

        var bounds = Exposition.Parse(await client.GetStringAsync("/metrics", ct))
            .Where(s => s.Name == "guardrails_request_duration_seconds_bucket" && s.Labels["door"] == "admission")
            .Select(s => s.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(s.Labels["le"], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();

        bounds.ShouldBe([.. GuardrailsMetrics.DurationBuckets, double.PositiveInfinity]);
    }

    /// <summary>The table in docs/metrics.md: metric name to its type and label names (sorted).</summary>
    private static Dictionary<string, (string Type, string[] Labels)> Documented()
    {
        var rows = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", "metrics.md"))
            .Select(line => Row().Match(line))
            .Where(m => m.Success);
        return rows.ToDictionary(
            m => m.Groups["name"].Value,
            m => (m.Groups["type"].Value, m.Groups["labels"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal).ToArray()),
            StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^\| `(?<name>[a-z_]+)` \| (?<type>counter|gauge|histogram) \|(?<labels>[a-z_, ]*)\|")]
    private static partial Regex Row();
}
