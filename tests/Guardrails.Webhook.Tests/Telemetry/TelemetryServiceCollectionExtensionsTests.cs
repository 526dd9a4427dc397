using System.Diagnostics.Metrics;
using System.Text;
using Guardrails.Webhook.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Guardrails.Webhook.Tests.Telemetry;

[Collection(GuardrailsMeterCollection.Name)]
public sealed class TelemetryServiceCollectionExtensionsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public async Task Every_guardrails_instrument_is_exposed_under_its_prometheus_name()
    {
        await using var app = await ScrapingEndpointTests.StartAsync(NoEnvironment);
        var metrics = app.Services.GetRequiredService<GuardrailsMetrics>();

        metrics.RecordRequest("admission", "validate", "StatefulSet", "denied", TimeSpan.FromMilliseconds(2));
        metrics.RecordViolation("require-limits-StatefulSet", "enforce");
        metrics.RecordPackReload(success: true);
        metrics.RecordPackReload(success: false);
        metrics.RecordPackReload(success: false);
        metrics.SetLoadedPackCount(() => 4);
        metrics.RecordStaleState("watch-lagging-StatefulSet");

        var lines = (await ScrapeAsync(app)).Split('\n');

        lines.ShouldContain("# TYPE guardrails_requests_total counter");
        lines.ShouldContain(
            "guardrails_requests_total{otel_scope_name=\"Guardrails\",door=\"admission\",kind=\"StatefulSet\",operation=\"validate\",verdict=\"denied\"} 1");
        lines.ShouldContain("# TYPE guardrails_request_duration_seconds histogram");
        lines.ShouldContain(
            "guardrails_request_duration_seconds_count{otel_scope_name=\"Guardrails\",door=\"admission\",kind=\"StatefulSet\",operation=\"validate\",verdict=\"denied\"} 1");
        lines.ShouldContain("# TYPE guardrails_violations_total counter");
        lines.ShouldContain("guardrails_violations_total{otel_scope_name=\"Guardrails\",mode=\"enforce\",rule=\"require-limits-StatefulSet\"} 1");
        lines.ShouldContain("# TYPE guardrails_pack_reloads_total counter");
        lines.ShouldContain(l => l.StartsWith("guardrails_pack_reloads_total{otel_scope_name=\"Guardrails\",result=\"success\"} ", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("guardrails_pack_reloads_total{otel_scope_name=\"Guardrails\",result=\"failure\"} ", StringComparison.Ordinal));
        lines.ShouldContain("# TYPE guardrails_packs_loaded gauge");
        lines.ShouldContain("guardrails_packs_loaded{otel_scope_name=\"Guardrails\"} 4");
        lines.ShouldContain("# TYPE guardrails_cluster_state_stale_total counter");
        lines.ShouldContain("guardrails_cluster_state_stale_total{otel_scope_name=\"Guardrails\",reason=\"watch-lagging-StatefulSet\"} 1");
    }

    [Fact]
    public async Task Request_durations_use_the_fine_grained_buckets()
    {
        await using var app = await ScrapingEndpointTests.StartAsync(NoEnvironment);
        app.Services.GetRequiredService<GuardrailsMetrics>()
            .RecordRequest("dryrun", "evaluate", "CronJob", "allowed", TimeSpan.FromMicroseconds(60));

        var buckets = Exposition.Parse(await ScrapeAsync(app))
            .Where(s => s.Name == "guardrails_request_duration_seconds_bucket" && s.Labels["kind"] == "CronJob")
            .Select(s => s.Labels["le"])
            .ToList();

        buckets.ShouldBe(
            GuardrailsMetrics.DurationBuckets.Select(b => b.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("+Inf"),
            ignoreOrder: false);
        // The exporter writes the first bound as 5E-05: the same number to Prometheus, which parses le as a float.
        buckets[0].ShouldBe("5E-05");
    }

    [Fact]
    public void Tracing_is_off_and_nothing_dialled_without_an_otlp_endpoint()
    {
        using var services = new ServiceCollection().AddGuardrailsTelemetry(NoEnvironment).BuildServiceProvider();

        services.GetService<TracerProvider>().ShouldBeNull();
    }

    [Fact]
    public void Tracing_is_on_when_an_otlp_endpoint_is_set()
    {
        using var services = new ServiceCollection()
            .AddGuardrailsTelemetry(name => name == "OTEL_EXPORTER_OTLP_ENDPOINT" ? "http://127.0.0.1:4317" : null)
            .BuildServiceProvider();

        services.GetService<TracerProvider>().ShouldNotBeNull();
    }

    [Fact]
    public async Task The_meter_provider_is_built_when_the_host_starts_so_early_measurements_count()
    {
        using var probe = new Meter(GuardrailsTelemetry.SourceName);
        var counter = probe.CreateCounter<long>("guardrails.probe");
        await using var app = await ScrapingEndpointTests.StartAsync(NoEnvironment);

        // Recorded before anything resolved a provider or scraped: only a provider built at start-up sees it.
        counter.Add(1, new KeyValuePair<string, object?>("kind", "EarlyBird"));
        var text = await ScrapeAsync(app);

        text.Split('\n').ShouldContain(l => l.StartsWith("guardrails_probe_total{", StringComparison.Ordinal) && l.Contains("kind=\"EarlyBird\"", StringComparison.Ordinal) && l.EndsWith("} 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_host_disposes_the_meter_provider()
    {
        // The meter name is process-wide: a host another test class left running would listen too, so what is
        // compared is whether anything listened before this host started, not an absolute "nothing listens".
        using var probe = new Meter(GuardrailsTelemetry.SourceName);
        var listened = probe.CreateCounter<long>("guardrails.probe.disposal");
        var listenedBefore = listened.Enabled;
        var app = await ScrapingEndpointTests.StartAsync(NoEnvironment);
        var provider = app.Services.GetRequiredService<MeterProvider>();
        listened.Enabled.ShouldBeTrue("the provider listens while the host runs");

        await app.StopAsync(TestContext.Current.CancellationToken);
        await app.DisposeAsync();

        provider.ShouldNotBeNull();
        listened.Enabled.ShouldBe(listenedBefore, "the provider stopped listening when the host was disposed");
    }

    private static async Task<string> ScrapeAsync(Microsoft.AspNetCore.Builder.WebApplication app)
    {
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        return await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
    }
}
