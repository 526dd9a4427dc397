namespace Guardrails.Webhook.Cluster.Api;

/// <summary>
/// The resourceVersion (or continue token) asked for is older than the server still remembers: a watch ERROR event with
/// code 410, or HTTP 410 on a list or watch. The caller must list again and watch from the new list's resourceVersion.
/// </summary>
public sealed class WatchExpiredException : Exception
{
    public WatchExpiredException()
    {
    }

    public WatchExpiredException(string message)
        : base(message)
    {
    }

    public WatchExpiredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
