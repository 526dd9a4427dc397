namespace Guardrails.Webhook.Tests.Telemetry;

/// <summary>One sample line of a scrape, label values unescaped.</summary>
internal sealed record ExpositionSample(string Family, string Name, IReadOnlyDictionary<string, string> Labels, string Value);
