using System.Diagnostics.Metrics;
using System.Text;
using Guardrails.Webhook.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Guardrails.Webhook.Tests.Telemetry;

/// <summary>
/// A meter of its own (uniquely named, so tests running in parallel never see each other's measurements) behind a
/// provider with the Prometheus exporter, scraped without HTTP.
/// </summary>
internal sealed class PrometheusHarness : IDisposable
{
    private readonly MeterProvider _provider;

    public PrometheusHarness(TimeSpan? scrapeTimeout = null)
    {
        Meter = new Meter("test." + Guid.NewGuid().ToString("N"));
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(Meter.Name)
            .AddPrometheusExporter(scrapeTimeout ?? TimeSpan.FromSeconds(10))
            .Build();
        Exporter = PrometheusExporterRegistry.Find(_provider).ShouldNotBeNull();
    }

    public Meter Meter { get; }

    public PrometheusTextExporter Exporter { get; }

    public async Task<string> ScrapeAsync()
    {
        var body = await Exporter.ScrapeAsync(TestContext.Current.CancellationToken);
        body.ShouldNotBeNull("the scrape failed");
        return Encoding.UTF8.GetString(body);
    }

    public async Task<string[]> ScrapeLinesAsync() => (await ScrapeAsync()).Split('\n');

    public void Dispose()
    {
        _provider.Dispose();
        Meter.Dispose();
    }
}
