namespace Guardrails.Policies.State;

/// <summary>Cluster state given by a caller (a file, a request body) that cannot be read; the message names the object and field.</summary>
public sealed class ClusterStateException : Exception
{
    public ClusterStateException(string message)
        : base(message)
    {
    }

    public ClusterStateException()
    {
    }

    public ClusterStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
