namespace Guardrails.Webhook.Cluster.Api;

/// <summary>The API server answered with a non-2xx status; the message carries the Status message it sent.</summary>
public sealed class KubernetesApiException : Exception
{
    public KubernetesApiException()
    {
    }

    public KubernetesApiException(string message)
        : base(message)
    {
    }

    public KubernetesApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public KubernetesApiException(int statusCode, string? reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Reason = reason;
    }

    /// <summary>The HTTP status (or the Status object's <c>code</c> for a watch ERROR event); 0 when not from a response.</summary>
    public int StatusCode { get; }

    /// <summary>The Status object's machine-readable <c>reason</c> (NotFound, AlreadyExists, Conflict, ...), when it sent one.</summary>
    public string? Reason { get; }
}
