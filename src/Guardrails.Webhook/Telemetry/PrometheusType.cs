namespace Guardrails.Webhook.Telemetry;

/// <summary>The metric types the text exposition format 0.0.4 can express and this exporter emits.</summary>
internal enum PrometheusType
{
    Counter,
    Gauge,
    Histogram,
}
