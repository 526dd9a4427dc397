using YamlDotNet.RepresentationModel;

namespace Guardrails.Webhook.Tests.Hosting.Tls;

internal static class YamlNodeExtensions
{
    public static string Get(this YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    public static List<string> List(this YamlMappingNode node, string key) =>
        [.. ((YamlSequenceNode)node[key]).Children.Select(c => ((YamlScalarNode)c).Value!)];
}
