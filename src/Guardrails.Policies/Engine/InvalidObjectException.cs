namespace Guardrails.Policies.Engine;

/// <summary>The object cannot be judged (for example a Deployment without a pod template); the message says what is missing.</summary>
public sealed class InvalidObjectException : Exception
{
    public InvalidObjectException(string message)
        : base(message)
    {
    }

    public InvalidObjectException()
    {
    }

    public InvalidObjectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
