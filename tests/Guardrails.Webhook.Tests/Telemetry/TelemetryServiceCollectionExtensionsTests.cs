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
        await using var services = new ServiceCollection().AddGuardrailsTelemetry(NoEnvironment).BuildServiceProvider();
        var metrics = services.GetRequiredService<GuardrailsMetrics>();

        metrics.RecordRequest("admission", "validate", "StatefulSet", "denied", TimeSpan.FromMilliseconds(2));
        metrics.RecordViolation("require-limits-StatefulSet", "enforce");
        metrics.RecordPackReload(success: true);
        metrics.RecordPackReload(success: false);
        metrics.RecordPackReload(success: false);
        metrics.SetLoadedPackCount(() => 4);
        metrics.RecordStaleState("watch-lagging-StatefulSet");

        var lines = (await ScrapeAsync(services)).Split('\n');

        lines.ShouldContain("# TYPE guardrails_requests_total counter");
        lines.ShouldContain(
            "guardrails_requests_total{door=\"admission\",kind=\"StatefulSet\",operation=\"validate\",verdict=\"denied\"} 1");
        lines.ShouldContain("# TYPE guardrails_request_duration_seconds histogram");
        lines.ShouldContain(
            "guardrails_request_duration_seconds_count{door=\"admission\",kind=\"StatefulSet\",operation=\"validate\",verdict=\"denied\"} 1");
        lines.ShouldContain("# TYPE guardrails_violations_total counter");
        lines.ShouldContain("guardrails_violations_total{mode=\"enforce\",rule=\"require-limits-StatefulSet\"} 1");
        lines.ShouldContain("# TYPE guardrails_pack_reloads_total counter");
        lines.ShouldContain(l => l.StartsWith("guardrails_pack_reloads_total{result=\"success\"} ", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("guardrails_pack_reloads_total{result=\"failure\"} ", StringComparison.Ordinal));
        lines.ShouldContain("# TYPE guardrails_packs_loaded gauge");
        lines.ShouldContain("guardrails_packs_loaded 4");
        lines.ShouldContain("# TYPE guardrails_cluster_state_stale_total counter");
        lines.ShouldContain("guardrails_cluster_state_stale_total{reason=\"watch-lagging-StatefulSet\"} 1");
    }

    [Fact]
    public async Task Request_durations_use_the_fine_grained_buckets()
    {
        await using var services = new ServiceCollection().AddGuardrailsTelemetry(NoEnvironment).BuildServiceProvider();
        services.GetRequiredService<GuardrailsMetrics>()
            .RecordRequest("dryrun", "evaluate", "CronJob", "allowed", TimeSpan.FromMicroseconds(60));

        var buckets = Exposition.Parse(await ScrapeAsync(services))
            .Where(s => s.Name == "guardrails_request_duration_seconds_bucket" && s.Labels["kind"] == "CronJob")
            .Select(s => s.Labels["le"])
            .ToList();

        buckets.ShouldBe(
            GuardrailsMetrics.DurationBuckets.Select(PrometheusNaming.FormatDouble).Append("+Inf"),
            ignoreOrder: false);
        buckets.ShouldContain("0.00005");
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
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddGuardrailsTelemetry(NoEnvironment);
        using var host = builder.Build();
        var ct = TestContext.Current.CancellationToken;

        await host.StartAsync(ct);
        counter.Add(1, new KeyValuePair<string, object?>("kind", "EarlyBird"));
        var text = await ScrapeAsync(host.Services);
        await host.StopAsync(ct);

        text.Split('\n').ShouldContain("guardrails_probe_total{kind=\"EarlyBird\"} 1");
    }

    [Fact]
    public async Task The_container_disposes_the_meter_provider()
    {
        var services = new ServiceCollection().AddGuardrailsTelemetry(NoEnvironment).BuildServiceProvider();
        var exporter = PrometheusExporterRegistry.Find(services.GetRequiredService<MeterProvider>()).ShouldNotBeNull();

        await services.DisposeAsync();

        (await exporter.ScrapeAsync(TestContext.Current.CancellationToken)).ShouldBeNull();
    }

    private static async Task<string> ScrapeAsync(IServiceProvider services)
    {
        var exporter = PrometheusExporterRegistry.Find(services.GetRequiredService<MeterProvider>()).ShouldNotBeNull();
        var body = await exporter.ScrapeAsync(TestContext.Current.CancellationToken);
        return Encoding.UTF8.GetString(body.ShouldNotBeNull());
    }
}
