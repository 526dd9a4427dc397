using System.Net;

namespace Guardrails.E2E;

/// <summary>
/// What the end-to-end suite is pointed at, read from the environment (or a K3s container's, when the fixture started
/// one). Without a kubeconfig every test skips (reported as skipped, never as passed) and nothing is started.
/// </summary>
public sealed class E2EEnvironment
{
    public const string KubeconfigVariable = "GUARDRAILS_E2E_KUBECONFIG";
    public const string WebhookHostVariable = "GUARDRAILS_E2E_WEBHOOK_HOST";
    public const string DefaultWebhookHost = "127.0.0.1";

    public const string SkipMessage =
        "GUARDRAILS_E2E_KUBECONFIG is not set and no Docker engine is reachable for a K3s container: these tests need a real cluster "
        + "(set GUARDRAILS_E2E_KUBECONFIG to a kubeconfig path, optionally GUARDRAILS_E2E_WEBHOOK_HOST, default 127.0.0.1; or run where Docker is)";

    private E2EEnvironment(string? kubeconfig, string webhookHost)
    {
        Kubeconfig = kubeconfig;
        WebhookHost = webhookHost;
    }

    /// <summary>Full path of the kubeconfig, or null when the suite is not configured.</summary>
    public string? Kubeconfig { get; }

    /// <summary>The address the cluster's apiserver dials to reach the Guardrails started on this machine.</summary>
    public string WebhookHost { get; }

    public bool IsConfigured => Kubeconfig is not null;

    /// <summary>True when the apiserver reaches us over loopback, so the server need not listen on other interfaces.</summary>
    public bool WebhookHostIsLoopback =>
        string.Equals(WebhookHost, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(Unbracketed(WebhookHost), out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>The host as it goes into a URL: IPv6 addresses need brackets.</summary>
    public string WebhookHostForUrl =>
        IPAddress.TryParse(Unbracketed(WebhookHost), out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{ip}]"
            : WebhookHost;

    public static E2EEnvironment FromProcess() =>
        Read(Environment.GetEnvironmentVariable(KubeconfigVariable), Environment.GetEnvironmentVariable(WebhookHostVariable));

    public static E2EEnvironment Read(string? kubeconfig, string? webhookHost)
    {
        // An empty value is what CI templates produce for "not set"; treating it as a path would fail confusingly.
        var path = string.IsNullOrWhiteSpace(kubeconfig) ? null : ExpandHome(kubeconfig.Trim());
        var host = string.IsNullOrWhiteSpace(webhookHost) ? DefaultWebhookHost : webhookHost.Trim();
        return new E2EEnvironment(path is null ? null : Path.GetFullPath(path), host);
    }

    /// <summary>Every test starts with this, so an unconfigured run reports each test as skipped, with the reason.</summary>
    public void SkipUnlessConfigured()
    {
        if (!IsConfigured)
        {
            Assert.Skip(SkipMessage);
        }
    }

    /// <summary>A configured run with an unusable setting fails loudly: skipping then would hide a broken CI job.</summary>
    /// <exception cref="InvalidOperationException">The kubeconfig is missing or the webhook host is not a host name.</exception>
    public void Validate()
    {
        if (Kubeconfig is null)
        {
            throw new InvalidOperationException(SkipMessage);
        }

        if (!File.Exists(Kubeconfig))
        {
            throw new InvalidOperationException($"{KubeconfigVariable} is set to '{Kubeconfig}', which is not a file");
        }

        if (Uri.CheckHostName(Unbracketed(WebhookHost)) is UriHostNameType.Unknown or UriHostNameType.Basic)
        {
            throw new InvalidOperationException($"{WebhookHostVariable} '{WebhookHost}' is neither an IP address nor a DNS name");
        }
    }

    private static string Unbracketed(string host) => host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;

    // The shell only expands ~ when it is unquoted; a quoted value still means the home directory.
    private static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.Length > 2 ? path[2..] : "")
            : path;
}
