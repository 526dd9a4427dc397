using System.Security.Cryptography;
using k8s;
using YamlDotNet.Core;

namespace Guardrails.Webhook.Cluster.Api;

/// <summary>
/// Where Guardrails finds its cluster, read by KubernetesClient: a kubeconfig (its current context or a named one;
/// tokens, token files, client certificates, exec credential plugins) or the pod's service account. The library's
/// errors become <see cref="KubeConfigException"/>s naming the file, so that start-up fails with one clear line.
/// </summary>
public static class ClusterConfiguration
{
    /// <summary>
    /// <paramref name="kubeconfigPath"/>, else the first entry of <c>$KUBECONFIG</c>, else <c>~/.kube/config</c>; the
    /// context is <paramref name="context"/> or the file's <c>current-context</c>.
    /// </summary>
    public static KubernetesClientConfiguration FromKubeconfig(string? kubeconfigPath = null, string? context = null)
    {
        var path = Path.GetFullPath(kubeconfigPath ?? DefaultPath());
        if (!File.Exists(path))
        {
            throw new KubeConfigException($"{path}: kubeconfig file not found");
        }

        return Translate(path, () =>
        {
            var model = KubernetesClientConfiguration.LoadKubeConfig(path);
            var tokenFile = KubeconfigTokenFile.Find(path, context);
            if (tokenFile is not null)
            {
                // The library's model has no tokenFile: the token it holds is given to it for the checks it makes, and
                // the file is read as requests go (re-read every minute, so a rotated token is picked up).
                var token = File.Exists(tokenFile) ? File.ReadAllText(tokenFile).Trim() : throw new KubeConfigException($"tokenFile {tokenFile}: file not found");
                if (token.Length == 0)
                {
                    throw new KubeConfigException($"tokenFile {tokenFile}: the file is empty");
                }

                var contextName = context ?? model.CurrentContext;
                var userName = model.Contexts?.FirstOrDefault(c => c.Name == contextName)?.ContextDetails?.User;
                if (model.Users?.FirstOrDefault(u => u.Name == userName)?.UserCredentials is { } credentials)
                {
                    credentials.Token = token;
                }
            }

            var configuration = KubernetesClientConfiguration.BuildConfigFromConfigObject(model, currentContext: context);
            if (tokenFile is not null)
            {
                configuration.AccessToken = null;
                configuration.TokenProvider = new k8s.Authentication.TokenFileAuth(tokenFile);
            }

            // Two mistakes kubectl refuses and the library lets through, each of which would quietly weaken TLS.
            if (configuration.SslCaCerts is { Count: 0 })
            {
                throw new KubeConfigException("the cluster's certificate-authority holds no PEM CERTIFICATE block");
            }

            if (configuration.SkipTlsVerify && configuration.SslCaCerts is { Count: > 0 })
            {
                throw new KubeConfigException("the cluster sets both insecure-skip-tls-verify and a certificate authority, which kubectl refuses too; keep one");
            }

            // Certificates and keys are only read when a client is made: made once here, so a bad one stops start-up.
            new Kubernetes(configuration).Dispose();
            return configuration;
        });
    }

    /// <summary>The pod's service account: API address from the environment, token (re-read as it rotates), CA and namespace from files.</summary>
    public static KubernetesClientConfiguration InCluster()
    {
        if (!KubernetesClientConfiguration.IsInCluster())
        {
            throw new KubeConfigException(
                "not running in a Kubernetes pod with a service account: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set "
                + "and /var/run/secrets/kubernetes.io/serviceaccount must hold token and ca.crt (automountServiceAccountToken)");
        }

        return Translate("in-cluster configuration", KubernetesClientConfiguration.InClusterConfig);
    }

    /// <summary>The first entry of <c>$KUBECONFIG</c>, else <c>~/.kube/config</c>, as kubectl picks it.</summary>
    public static string DefaultPath()
    {
        var variable = Environment.GetEnvironmentVariable("KUBECONFIG");
        var first = variable?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return first ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
    }

    private static KubernetesClientConfiguration Translate(string source, Func<KubernetesClientConfiguration> build)
    {
        try
        {
            return build();
        }
        catch (KubeConfigException ex)
        {
            throw new KubeConfigException($"{source}: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is k8s.Exceptions.KubeConfigException or k8s.Exceptions.KubernetesClientException or YamlException
            or IOException or UnauthorizedAccessException or FormatException or CryptographicException or ArgumentException or InvalidOperationException)
        {
            // The library's messages name the context, cluster or user at fault; the file is added here.
            var reason = ex is YamlException yaml ? $"not valid YAML at line {yaml.Start.Line}: {yaml.Message}" : ex.Message;
            throw new KubeConfigException($"{source}: {reason}", ex);
        }
    }
}
