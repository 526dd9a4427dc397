namespace Guardrails.Webhook.Telemetry;

/// <summary>Whether OpenTelemetry is switched off (<c>OTEL_SDK_DISABLED=true</c>): then there is nothing to scrape.</summary>
internal sealed record TelemetryState(bool Disabled)
{
    public const string DisabledVariable = "OTEL_SDK_DISABLED";
}
