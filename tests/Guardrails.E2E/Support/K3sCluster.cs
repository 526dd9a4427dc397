using DotNet.Testcontainers.Builders;
using Testcontainers.K3s;

namespace Guardrails.E2E.Support;

/// <summary>
/// A throwaway K3s cluster in a container (Testcontainers.K3s), for runs without <see cref="E2EEnvironment.KubeconfigVariable"/>
/// on a machine with a Docker engine. Its apiserver reaches the Guardrails this suite starts on the host as
/// <see cref="WebhookHost"/>, which the container's /etc/hosts maps to the host's gateway.
/// </summary>
internal sealed class K3sCluster : IAsyncDisposable
{
    public const string ImageVariable = "GUARDRAILS_E2E_K3S_IMAGE";

    /// <summary>The image Testcontainers.K3s 4.16 is tested with; <see cref="ImageVariable"/> picks another.</summary>
    public const string DefaultImage = "rancher/k3s:v1.26.2-k3s1";

    /// <summary>The host, as the container sees it; Guardrails' serving certificate is issued for this name.</summary>
    public const string WebhookHost = "host.docker.internal";

    private readonly K3sContainer _container;
    private readonly string _directory;

    private K3sCluster(K3sContainer container, string directory, string kubeconfig)
    {
        _container = container;
        _directory = directory;
        Kubeconfig = kubeconfig;
    }

    /// <summary>Where the cluster's kubeconfig was written (its server is the container's port mapped on this machine).</summary>
    public string Kubeconfig { get; }

    public string Image => _container.Image.FullName;

    /// <summary>Started and its kubeconfig written; null when no Docker engine can be reached (nothing was started).</summary>
    public static async Task<K3sCluster?> TryStartAsync(CancellationToken cancellationToken)
    {
        var image = Environment.GetEnvironmentVariable(ImageVariable) is { Length: > 0 } configured ? configured : DefaultImage;
        K3sContainer container;
        try
        {
            container = new K3sBuilder(image).WithExtraHost(WebhookHost, "host-gateway").Build();
        }
        catch (DockerUnavailableException)
        {
            return null;
        }

        var directory = Directory.CreateTempSubdirectory("guardrails-e2e-k3s-").FullName;
        try
        {
            await container.StartAsync(cancellationToken);
            var kubeconfig = Path.Combine(directory, "kubeconfig");
            await File.WriteAllTextAsync(kubeconfig, await container.GetKubeconfigAsync(), cancellationToken);
            return new K3sCluster(container, directory, kubeconfig);
        }
        catch
        {
            await container.DisposeAsync();
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _container.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
