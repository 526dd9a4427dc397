namespace Guardrails.Webhook.Provisioning;

/// <summary>One step of provisioning and how long it took, reported in the Environment's status.</summary>
public sealed record StepTiming(string Name, double DurationMs);
