using Guardrails.Policies.Exceptions;

namespace Guardrails.Webhook.Cluster;

/// <summary>Where the host gets the PolicyExceptions the engine honours: none without a cluster, a watch cache with one.</summary>
public interface IExceptionSource
{
    ExceptionIndex Current { get; }
}
