using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Guardrails.Webhook.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>Standard variable read by the OTLP exporter; its presence is what opts tracing in.</summary>
    internal const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Registers <see cref="GuardrailsMetrics"/>, a <see cref="MeterProvider"/> with the Prometheus exporter (map it with
    /// <see cref="PrometheusEndpointRouteBuilderExtensions.MapPrometheusScrapingEndpoint"/>) and, only when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, a <see cref="TracerProvider"/> exporting over OTLP. The container
    /// owns and disposes both providers.
    /// </summary>
    public static IServiceCollection AddGuardrailsTelemetry(this IServiceCollection services) =>
        services.AddGuardrailsTelemetry(Environment.GetEnvironmentVariable);

    /// <param name="services">The application's services.</param>
    /// <param name="environment">Reads environment variables; replaceable so tests do not depend on the machine's.</param>
    internal static IServiceCollection AddGuardrailsTelemetry(this IServiceCollection services, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(environment);

        // The standard switch operators use to turn OpenTelemetry off: honoured here rather than left to the SDK, which
        // would silently hand back a provider without the exporter the scraping endpoint needs.
        var disabled = string.Equals(environment(TelemetryState.DisabledVariable)?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        services.TryAddSingleton(new TelemetryState(disabled));
        services.AddMetrics();
        services.TryAddSingleton(_ => disabled
            ? Sdk.CreateMeterProviderBuilder().Build()
            : Sdk.CreateMeterProviderBuilder()
                .AddMeter(
                    GuardrailsTelemetry.SourceName,
                    "Microsoft.AspNetCore.Hosting",
                    "Microsoft.AspNetCore.Server.Kestrel")
                .AddPrometheusExporter()
                .Build());
        services.TryAddSingleton(sp =>
        {
            // Provider first: anything recorded through these instruments before it listens would be lost.
            _ = sp.GetRequiredService<MeterProvider>();
            return new GuardrailsMetrics(sp.GetRequiredService<IMeterFactory>());
        });

        // Without an endpoint there is no TracerProvider at all, so nothing listens to the ActivitySource and
        // StartActivity stays a null-returning no-op on the request path.
        if (!disabled && !string.IsNullOrWhiteSpace(environment(OtlpEndpointVariable)))
        {
            // The exporter reads the endpoint, protocol and headers from the OTEL_EXPORTER_OTLP_* variables itself.
            services.TryAddSingleton(_ => Sdk.CreateTracerProviderBuilder()
                .AddSource(GuardrailsTelemetry.SourceName)
                .AddOtlpExporter()
                .Build());
        }

        services.AddHostedService<TelemetryStartup>();
        return services;
    }
}
