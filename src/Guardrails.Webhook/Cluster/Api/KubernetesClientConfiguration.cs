using System.Security.Cryptography.X509Certificates;

namespace Guardrails.Webhook.Cluster.Api;

/// <summary>Where the API server is and how to trust and authenticate to it; property names follow KubernetesClient's.</summary>
public sealed record KubernetesClientConfiguration
{
    public const string DefaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    public required Uri Host { get; init; }

    public string? AccessToken { get; init; }

    /// <summary>Re-read when it changes (service-account token rotation); takes precedence over <see cref="AccessToken"/>.</summary>
    public string? TokenFile { get; init; }

    /// <summary>Presented in the TLS handshake; must carry its private key.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>When set, the only roots the server's certificate may chain to; otherwise the system's trust store.</summary>
    public X509Certificate2Collection? SslCaCerts { get; init; }

    public bool SkipTlsVerify { get; init; }

    /// <summary>The context's namespace, or the pod's own namespace in a cluster.</summary>
    public string? Namespace { get; init; }

    public string? CurrentContext { get; init; }

    /// <summary>How long a call other than a watch may take; watches end by their own timeout.</summary>
    public TimeSpan HttpClientTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Reads a kubeconfig: <paramref name="kubeconfigPath"/>, else the first entry of <c>$KUBECONFIG</c>, else
    /// <c>~/.kube/config</c>; the context is <paramref name="currentContext"/> or the file's <c>current-context</c>.
    /// </summary>
    public static KubernetesClientConfiguration BuildConfigFromConfigFile(string? kubeconfigPath = null, string? currentContext = null) =>
        KubeConfigFile.Load(kubeconfigPath ?? KubeConfigFile.DefaultPath(), currentContext);

    /// <summary>The pod's service account: API address from the environment, token (re-read on rotation), CA and namespace from files.</summary>
    public static KubernetesClientConfiguration InClusterConfig(string serviceAccountDirectory = DefaultServiceAccountDirectory) =>
        InClusterEnvironment.Load(serviceAccountDirectory);

    /// <summary>Whether this process runs in a pod with a mounted service account.</summary>
    public static bool IsInCluster(string serviceAccountDirectory = DefaultServiceAccountDirectory) =>
        InClusterEnvironment.IsPresent(serviceAccountDirectory);
}
