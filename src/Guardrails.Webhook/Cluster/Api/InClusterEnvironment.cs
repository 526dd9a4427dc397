using System.Security.Cryptography.X509Certificates;
using System.Text;
using Guardrails.Webhook.Hosting.Tls;

namespace Guardrails.Webhook.Cluster.Api;

/// <summary>What the kubelet gives every pod: the API service address in environment variables and the service-account files.</summary>
internal static class InClusterEnvironment
{
    public const string HostVariable = "KUBERNETES_SERVICE_HOST";
    public const string PortVariable = "KUBERNETES_SERVICE_PORT";
    public const string TokenFileName = "token";
    public const string CaFileName = "ca.crt";
    public const string NamespaceFileName = "namespace";

    public static bool IsPresent(string directory) =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(HostVariable))
        && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(PortVariable))
        && File.Exists(Path.Combine(directory, TokenFileName))
        && File.Exists(Path.Combine(directory, CaFileName));

    public static KubernetesClientConfiguration Load(string directory)
    {
        var host = Environment.GetEnvironmentVariable(HostVariable);
        var port = Environment.GetEnvironmentVariable(PortVariable);
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new KubeConfigException(
                $"not running in a Kubernetes pod: {HostVariable} and {PortVariable} must both be set (got '{host}' and '{port}')");
        }

        if (!int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var portNumber)
            || portNumber is < 1 or > 65535)
        {
            throw new KubeConfigException($"{PortVariable}='{port}' is not a TCP port");
        }

        // An IPv6 service address arrives bare (fd00::1); in a URL it needs brackets.
        var authority = host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
        if (!Uri.TryCreate($"https://{authority}:{portNumber}/", UriKind.Absolute, out var uri))
        {
            throw new KubeConfigException($"{HostVariable}='{host}' is not a host name or IP address");
        }

        var tokenFile = Path.Combine(directory, TokenFileName);
        var token = ReadToken(tokenFile);
        var caFile = Path.Combine(directory, CaFileName);
        var cas = ReadCas(caFile);
        var namespaceFile = Path.Combine(directory, NamespaceFileName);
        var ns = File.Exists(namespaceFile) ? ReadText(namespaceFile).Trim() : null;

        return new KubernetesClientConfiguration
        {
            Host = uri,
            AccessToken = token,
            TokenFile = tokenFile,
            SslCaCerts = cas,
            Namespace = string.IsNullOrEmpty(ns) ? null : ns,
        };
    }

    private static string ReadToken(string path)
    {
        var token = ReadText(path).Trim();
        return token.Length > 0 ? token : throw KubeConfigException.ForFile(path, "the service-account token file is empty");
    }

    private static X509Certificate2Collection ReadCas(string path)
    {
        var pem = ReadText(path);
        try
        {
            return PemFiles.ParseCertificates(path, pem);
        }
        catch (TlsConfigurationException ex)
        {
            throw new KubeConfigException(ex.Message, ex);
        }
    }

    private static string ReadText(string path)
    {
        try
        {
            return Encoding.UTF8.GetString(File.ReadAllBytes(path));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw KubeConfigException.ForFile(path, "file not found; is a service account token mounted (automountServiceAccountToken)?", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw KubeConfigException.ForFile(path, $"cannot read: {ex.Message}", ex);
        }
    }
}
