using System.Text.RegularExpressions;
using Guardrails.Tests;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Webhook.Tests.Chart;

/// <summary>
/// Just enough of Helm to read the chart's static parts without helm on the machine: the release namespace and
/// scalar <c>.Values</c> (from values.yaml) are filled in, every other template expression is dropped, and a range
/// body is read once.
/// </summary>
internal static partial class ChartTemplate
{
    public const string ReleaseNamespace = "guardrails";

    private static readonly string Chart = Path.Combine(RepoPaths.Root, "charts", "guardrails");

    public static string Source(string template) => File.ReadAllText(Path.Combine(Chart, "templates", template));

    public static string Render(string template)
    {
        var values = new YamlStream();
        values.Load(new StringReader(File.ReadAllText(Path.Combine(Chart, "values.yaml"))));
        var root = (YamlMappingNode)values.Documents[0].RootNode;
        return Expression().Replace(Source(template), match =>
        {
            var inner = match.Groups["inner"].Value.Trim();
            if (inner is ".Release.Namespace" or "$.Release.Namespace")
            {
                return ReleaseNamespace;
            }

            return ValueReference().Match(inner) is { Success: true } value && Lookup(root, value.Groups["path"].Value) is { } scalar ? scalar : "";
        });
    }

    private static string? Lookup(YamlMappingNode root, string path)
    {
        YamlNode node = root;
        foreach (var key in path.Split('.'))
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            node = next;
        }

        return (node as YamlScalarNode)?.Value;
    }

    [GeneratedRegex(@"\{\{-?(?<inner>[^}]*?)-?\}\}")]
    private static partial Regex Expression();

    [GeneratedRegex(@"^\$?\.Values\.(?<path>[\w.]+)$")]
    private static partial Regex ValueReference();
}
