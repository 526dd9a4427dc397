namespace Guardrails.Webhook.Cluster.Api;

/// <summary>
/// An object path (<c>/api/v1/namespaces/ns/resourcequotas/q</c>, <c>/apis/guardrails.dev/v1alpha1/environments/e/status</c>)
/// taken apart into what KubernetesClient's generic-object calls ask for. The collection (no name) is allowed for create.
/// </summary>
internal sealed record ApiPath(string Group, string Version, string? Namespace, string Plural, string? Name, string? Subresource)
{
    public static ApiPath Parse(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!path.StartsWith('/') || path.Contains('?', StringComparison.Ordinal))
        {
            throw new ArgumentException($"an API path starts with '/' and has no query: '{path}'", nameof(path));
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var (group, version, rest) = segments switch
        {
            ["api", var v, .. var r] => ("", v, r),
            ["apis", var g, var v, .. var r] => (g, v, r),
            _ => throw new ArgumentException($"not a Kubernetes API path: '{path}'", nameof(path)),
        };

        return rest switch
        {
            // A namespace's own subresources (/api/v1/namespaces/x/status) look like a collection in namespace x.
            ["namespaces", var name, "status" or "finalize"] when group.Length == 0 => new(group, version, null, "namespaces", name, rest[2]),
            ["namespaces", var ns, var plural, .. var tail] when tail.Length <= 2 => new(group, version, ns, plural, tail.ElementAtOrDefault(0), tail.ElementAtOrDefault(1)),
            [var plural, .. var tail] when tail.Length <= 2 => new(group, version, null, plural, tail.ElementAtOrDefault(0), tail.ElementAtOrDefault(1)),
            _ => throw new ArgumentException($"not a Kubernetes object path: '{path}'", nameof(path)),
        };
    }

    public string RequireName(string path) =>
        Name ?? throw new ArgumentException($"'{path}' names a collection, not an object", nameof(path));
}
