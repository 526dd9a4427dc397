namespace Guardrails.Webhook.Provisioning;

/// <summary>One applied step: how long it took, and why it failed if it did.</summary>
internal readonly record struct StepResult(StepTiming Step, string? Failure);
