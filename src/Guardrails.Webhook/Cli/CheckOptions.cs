namespace Guardrails.Webhook.Cli;

public sealed record CheckOptions(IReadOnlyList<string> Paths, string? PoliciesDirectory, string? QuotaFile, string Output, string? Namespace, string? OldFile = null, string? ExceptionsFile = null, DateTimeOffset? Now = null);
