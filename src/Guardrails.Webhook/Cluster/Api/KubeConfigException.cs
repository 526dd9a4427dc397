namespace Guardrails.Webhook.Cluster.Api;

/// <summary>A kubeconfig or in-cluster setup that cannot be used; the message names the file and what is wrong with it.</summary>
public sealed class KubeConfigException : Exception
{
    public KubeConfigException()
    {
    }

    public KubeConfigException(string message)
        : base(message)
    {
    }

    public KubeConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static KubeConfigException ForFile(string path, string problem, Exception? inner = null) =>
        inner is null ? new($"{path}: {problem}") : new($"{path}: {problem}", inner);
}
