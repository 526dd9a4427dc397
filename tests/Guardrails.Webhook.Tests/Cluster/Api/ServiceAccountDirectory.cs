using System.Reflection;

namespace Guardrails.Webhook.Tests.Cluster.Api;

/// <summary>
/// Points KubernetesClient's in-cluster configuration at a test folder instead of
/// <c>/var/run/secrets/kubernetes.io/serviceaccount</c> for one test, and back on dispose. The library keeps that path in
/// an internal static field, so this only works in <see cref="KubeEnvironmentCollection"/>, one test at a time.
/// </summary>
internal sealed class ServiceAccountDirectory : IDisposable
{
    private static readonly FieldInfo Field = typeof(k8s.KubernetesClientConfiguration)
        .GetField("ServiceAccountPath", BindingFlags.Static | BindingFlags.NonPublic)
        ?? throw new InvalidOperationException("KubernetesClient no longer has KubernetesClientConfiguration.ServiceAccountPath; update this test seam");

    private readonly object? _saved;

    public ServiceAccountDirectory(string path)
    {
        _saved = Field.GetValue(null);
        Field.SetValue(null, path);
    }

    public void Dispose() => Field.SetValue(null, _saved);
}
