namespace Guardrails.Webhook.Hosting.Logging;

/// <summary>Lines the batch writer could not write since its last report: dropped on a full buffer, or lost when the sink threw.</summary>
internal readonly record struct LogLosses(long Dropped, long Failed, string? LastFailure);
