using Guardrails.Policies.Exceptions;

namespace Guardrails.Webhook.Cluster;

/// <summary>No cluster configured: exceptions arrive with each request (dry-run body, <c>check --exceptions</c>) or not at all.</summary>
public sealed class NoExceptionSource : IExceptionSource
{
    public ExceptionIndex Current => ExceptionIndex.Empty;
}
