using System.Diagnostics;

namespace Guardrails.Webhook.Telemetry;

/// <summary>Names shared by the metrics and tracing halves of the telemetry feature.</summary>
public static class GuardrailsTelemetry
{
    /// <summary>Name of both the <see cref="System.Diagnostics.Metrics.Meter"/> and the <see cref="ActivitySource"/>.</summary>
    public const string SourceName = "Guardrails";

    // Static rather than injected: spans are started deep in the engine, where threading a source through would only add noise,
    // and StartActivity returns null (no allocation) while no TracerProvider listens.
    public static readonly ActivitySource ActivitySource = new(SourceName);
}
