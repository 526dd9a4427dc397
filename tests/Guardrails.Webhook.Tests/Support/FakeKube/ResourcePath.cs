namespace Guardrails.Webhook.Tests.Support.FakeKube;

/// <summary>
/// A request path split the way the API server routes it: <c>/api/v1</c> or <c>/apis/{group}/{version}</c>, then
/// <c>[namespaces/{ns}/]{plural}[/{name}[/{subresource}]]</c>. The fake does not know which plurals are namespaced: a
/// collection without a namespace lists everything under that plural, which is both the cluster-scoped and the
/// all-namespaces answer.
/// </summary>
internal sealed record ResourcePath(string Prefix, string Plural, string? Namespace, string? Name, string? Subresource)
{
    public string Collection => $"{Prefix}/{Plural}";

    public string ApiVersion => Prefix.StartsWith("/apis/", StringComparison.Ordinal) ? Prefix["/apis/".Length..] : Prefix["/api/".Length..];

    public string Key => ObjectKey(Collection, Namespace, Name ?? throw new InvalidOperationException($"{this} names no object"));

    public string ObjectPath => Namespace is null
        ? $"{Prefix}/{Plural}/{Name}"
        : $"{Prefix}/namespaces/{Namespace}/{Plural}/{Name}";

    public static string ObjectKey(string collection, string? @namespace, string name) => $"{collection}\n{@namespace}\n{name}";

    public static string PrefixFor(string apiVersion) => apiVersion.Contains('/', StringComparison.Ordinal) ? $"/apis/{apiVersion}" : $"/api/{apiVersion}";

    public static bool TryParse(string path, out ResourcePath result)
    {
        result = null!;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        string prefix;
        string[] rest;
        if (segments is ["api", var version, .. var afterCore] && afterCore.Length > 0)
        {
            prefix = $"/api/{version}";
            rest = afterCore;
        }
        else if (segments is ["apis", var group, var groupVersion, .. var afterGroup] && afterGroup.Length > 0)
        {
            prefix = $"/apis/{group}/{groupVersion}";
            rest = afterGroup;
        }
        else
        {
            return false;
        }

        var isNamespaceSubresource = prefix == "/api/v1" && rest is ["namespaces", _, "status" or "finalize"];
        if (rest is ["namespaces", var ns, var plural, .. var tail] && !isNamespaceSubresource && tail.Length <= 2)
        {
            result = new ResourcePath(prefix, plural, ns, tail.ElementAtOrDefault(0), tail.ElementAtOrDefault(1));
            return true;
        }

        if (rest.Length <= 3)
        {
            result = new ResourcePath(prefix, rest[0], null, rest.ElementAtOrDefault(1), rest.ElementAtOrDefault(2));
            return true;
        }

        return false;
    }
}
