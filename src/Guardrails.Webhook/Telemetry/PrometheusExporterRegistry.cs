using System.Runtime.CompilerServices;
using OpenTelemetry.Metrics;

namespace Guardrails.Webhook.Telemetry;

/// <summary>
/// Finds the exporter a <see cref="MeterProvider"/> was built with. The SDK exposes no way to enumerate a provider's
/// readers, so the exporter is recorded against the provider while it is being built.
/// </summary>
internal static class PrometheusExporterRegistry
{
    // Weak keys: a disposed and forgotten provider must not be kept alive by this table.
    private static readonly ConditionalWeakTable<MeterProvider, PrometheusTextExporter> Exporters = [];

    public static void Register(MeterProvider provider, PrometheusTextExporter exporter) =>
        Exporters.AddOrUpdate(provider, exporter);

    public static PrometheusTextExporter? Find(MeterProvider provider) =>
        Exporters.TryGetValue(provider, out var exporter) ? exporter : null;
}
