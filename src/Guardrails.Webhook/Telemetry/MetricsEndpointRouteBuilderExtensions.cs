using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Guardrails.Webhook.Telemetry;

public static class MetricsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>GET <paramref name="path"/></c> to OpenTelemetry's Prometheus scraping endpoint; with
    /// <c>OTEL_SDK_DISABLED=true</c>, to a 503 that says metrics are switched off.
    /// </summary>
    public static IEndpointConventionBuilder MapGuardrailsMetrics(this IEndpointRouteBuilder endpoints, string path = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);

        // Resolved now rather than on first scrape: missing telemetry services are a wiring mistake best reported at startup.
        var state = endpoints.ServiceProvider.GetService<TelemetryState>()
            ?? throw new InvalidOperationException("Telemetry is not registered; call AddGuardrailsTelemetry() before mapping the metrics endpoint.");
        if (state.Disabled)
        {
            return endpoints.MapGet(path, () => TypedResults.Problem(
                detail: $"metrics are switched off ({TelemetryState.DisabledVariable}=true)",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Metrics disabled"));
        }

        return endpoints.MapPrometheusScrapingEndpoint(path);
    }
}
