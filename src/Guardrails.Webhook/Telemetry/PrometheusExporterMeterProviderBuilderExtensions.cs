using OpenTelemetry.Metrics;

namespace Guardrails.Webhook.Telemetry;

/// <summary>Same shape as OpenTelemetry.Exporter.Prometheus.AspNetCore, so that package can replace this one later.</summary>
public static class PrometheusExporterMeterProviderBuilderExtensions
{
    /// <summary>Prometheus's own default scrape timeout; a collection that takes longer has already failed the scraper.</summary>
    internal static readonly TimeSpan ScrapeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Adds a pull-mode reader that renders Prometheus text when <see
    /// cref="PrometheusEndpointRouteBuilderExtensions.MapPrometheusScrapingEndpoint"/> is scraped.
    /// </summary>
    public static MeterProviderBuilder AddPrometheusExporter(this MeterProviderBuilder builder) =>
        builder.AddPrometheusExporter(ScrapeTimeout);

    /// <param name="builder">The provider under construction.</param>
    /// <param name="scrapeTimeout">How long a scrape may wait for an earlier one and then spend collecting.</param>
    internal static MeterProviderBuilder AddPrometheusExporter(this MeterProviderBuilder builder, TimeSpan scrapeTimeout)
    {
        ArgumentNullException.ThrowIfNull(builder);

#pragma warning disable CA2000 // The provider disposes its readers, and the reader its exporter.
        var exporter = new PrometheusTextExporter(scrapeTimeout);
        var reader = new BaseExportingMetricReader(exporter)
        {
            // Prometheus expects running totals; delta temporality would make every scrape reset the counters.
            TemporalityPreference = MetricReaderTemporalityPreference.Cumulative,
        };
#pragma warning restore CA2000

        return builder
            .AddReader(reader)
            .AddInstrumentation((_, provider) =>
            {
                PrometheusExporterRegistry.Register(provider, exporter);

                // Instrumentation is how the SDK hands out the provider under construction; nothing needs disposing.
                return new object();
            });
    }
}
