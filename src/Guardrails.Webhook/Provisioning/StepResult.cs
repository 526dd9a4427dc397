namespace Guardrails.Webhook.Provisioning;

/// <summary>
/// One applied step: how long it took, why it failed if it did, and whether the server answered with an object being
/// deleted (a namespace still terminating, which the watch cache may not have shown yet).
/// </summary>
internal readonly record struct StepResult(StepTiming Step, string? Failure, bool Deleting = false);
