namespace Guardrails.Webhook.Hosting.Tls;

/// <summary>TLS material or settings that cannot be used; the message names the file (or setting) and the problem.</summary>
public sealed class TlsConfigurationException : Exception
{
    public TlsConfigurationException(string message)
        : base(message)
    {
    }

    public TlsConfigurationException()
    {
    }

    public TlsConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static TlsConfigurationException ForFile(string path, string problem, Exception? inner = null) =>
        inner is null ? new($"{path}: {problem}") : new($"{path}: {problem}", inner);
}
