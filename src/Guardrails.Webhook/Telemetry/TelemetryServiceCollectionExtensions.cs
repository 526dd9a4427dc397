using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Guardrails.Webhook.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>Standard variable read by the OTLP exporter; its presence is what opts tracing in.</summary>
    internal const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Registers <see cref="GuardrailsMetrics"/> and OpenTelemetry (OpenTelemetry.Extensions.Hosting builds the providers
    /// as the host starts and disposes them with it): metrics from the Guardrails meter, ASP.NET Core, Kestrel and the
    /// .NET runtime, read by the Prometheus exporter (map it with <see
    /// cref="MetricsEndpointRouteBuilderExtensions.MapGuardrailsMetrics"/>), and, only when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, traces exported over OTLP.
    /// </summary>
    public static IServiceCollection AddGuardrailsTelemetry(this IServiceCollection services) =>
        services.AddGuardrailsTelemetry(Environment.GetEnvironmentVariable);

    /// <param name="services">The application's services.</param>
    /// <param name="environment">Reads environment variables; replaceable so tests do not depend on the machine's.</param>
    internal static IServiceCollection AddGuardrailsTelemetry(this IServiceCollection services, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(environment);

        // The standard switch operators use to turn OpenTelemetry off. Honoured here by not registering the SDK at all,
        // so that /metrics can say why there is nothing rather than fail to find its exporter.
        var disabled = string.Equals(environment(TelemetryState.DisabledVariable)?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        services.TryAddSingleton(new TelemetryState(disabled));
        services.AddMetrics();
        services.TryAddSingleton(sp =>
        {
            // Provider first: the host records the initial pack load before it starts (when the hosting package would
            // build the provider), and a measurement taken while nothing listens is lost.
            _ = sp.GetService<MeterProvider>();
            return new GuardrailsMetrics(sp.GetRequiredService<IMeterFactory>());
        });
        if (disabled)
        {
            return services;
        }

        var telemetry = services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(GuardrailsTelemetry.SourceName, "Microsoft.AspNetCore.Server.Kestrel")
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter(prometheus =>
            {
                // Every scrape sees the counters as they are now; Prometheus sets its own pace.
                prometheus.ScrapeResponseCacheDurationMilliseconds = 0;
            }));

        // Without an endpoint there is no TracerProvider at all, so nothing listens to the ActivitySource and
        // StartActivity stays a null-returning no-op on the request path.
        if (!string.IsNullOrWhiteSpace(environment(OtlpEndpointVariable)))
        {
            // The exporter reads the endpoint, protocol and headers from the OTEL_EXPORTER_OTLP_* variables itself.
            telemetry.WithTracing(tracing => tracing.AddSource(GuardrailsTelemetry.SourceName).AddOtlpExporter());
        }

        return services;
    }
}
