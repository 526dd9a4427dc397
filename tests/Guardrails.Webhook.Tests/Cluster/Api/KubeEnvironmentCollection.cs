namespace Guardrails.Webhook.Tests.Cluster.Api;

/// <summary>
/// Tests that set KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT or KUBECONFIG: environment variables are
/// process-wide, so these run one at a time, after the parallel ones, and put every variable back.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KubeEnvironmentCollection
{
    public const string Name = "Kubernetes environment variables";
}
