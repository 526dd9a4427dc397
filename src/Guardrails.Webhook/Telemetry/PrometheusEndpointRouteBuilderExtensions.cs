using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Guardrails.Webhook.Telemetry;

/// <summary>Same shape as OpenTelemetry.Exporter.Prometheus.AspNetCore, so that package can replace this one later.</summary>
public static class PrometheusEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>GET <paramref name="path"/></c> to a scrape of the container's <see cref="MeterProvider"/>, which must
    /// have been built with <see cref="PrometheusExporterMeterProviderBuilderExtensions.AddPrometheusExporter"/>.
    /// </summary>
    public static IEndpointConventionBuilder MapPrometheusScrapingEndpoint(
        this IEndpointRouteBuilder endpoints,
        string path = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);

        // Resolved now rather than on first scrape: a missing exporter is a wiring mistake best reported at startup.
        var provider = endpoints.ServiceProvider.GetService<MeterProvider>()
            ?? throw new InvalidOperationException(
                "No MeterProvider is registered; call AddGuardrailsTelemetry() before mapping the scraping endpoint.");
        var exporter = PrometheusExporterRegistry.Find(provider);
        if (exporter is null && endpoints.ServiceProvider.GetService<TelemetryState>() is { Disabled: true })
        {
            // Switched off on purpose: the server runs, and a scrape says why there is nothing.
            return endpoints.MapGet(path, () => TypedResults.Problem(
                detail: $"metrics are switched off ({TelemetryState.DisabledVariable}=true)",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Metrics disabled"));
        }

        if (exporter is null)
        {
            throw new InvalidOperationException("The registered MeterProvider has no Prometheus exporter; build it with AddPrometheusExporter().");
        }

        var endpoint = new PrometheusScrapeEndpoint(exporter);
        return endpoints.MapGet(path, new RequestDelegate(endpoint.HandleAsync));
    }
}
