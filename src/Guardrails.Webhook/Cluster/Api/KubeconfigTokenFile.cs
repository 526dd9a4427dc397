using YamlDotNet.RepresentationModel;

namespace Guardrails.Webhook.Cluster.Api;

/// <summary>
/// A kubeconfig user's <c>tokenFile</c> (kubectl reads the bearer token from it, and it wins over <c>token</c>), which
/// KubernetesClient's kubeconfig model has no field for. Relative paths are relative to the kubeconfig.
/// </summary>
internal static class KubeconfigTokenFile
{
    public static string? Find(string kubeconfigPath, string? context)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(kubeconfigPath))
        {
            stream.Load(reader);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return null;
        }

        var contextName = context ?? Scalar(root, "current-context");
        var user = Scalar(Named(root, "contexts", "context", contextName), "user");
        var file = Scalar(Named(root, "users", "user", user), "tokenFile");
        if (file is null)
        {
            return null;
        }

        return Path.GetFullPath(Path.IsPathRooted(file) ? file : Path.Combine(Path.GetDirectoryName(kubeconfigPath) ?? ".", file));
    }

    private static YamlMappingNode? Named(YamlMappingNode root, string section, string inner, string? name) =>
        name is null || Child(root, section) is not YamlSequenceNode entries
            ? null
            : entries.Children.OfType<YamlMappingNode>().Where(e => Scalar(e, "name") == name).Select(e => Child(e, inner)).OfType<YamlMappingNode>().FirstOrDefault();

    private static YamlNode? Child(YamlMappingNode? map, string key) =>
        map is not null && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Scalar(YamlMappingNode? map, string key) =>
        Child(map, key) is YamlScalarNode { Value: { Length: > 0 } value } ? value : null;
}
