using System.Text.RegularExpressions;
using Guardrails.Tests;

namespace Guardrails.Webhook.Tests.Chart;

/// <summary>
/// Just enough of Helm to read the chart's static parts without helm on the machine: the release namespace is filled
/// in and every other template expression dropped (a range body is read once).
/// </summary>
internal static partial class ChartTemplate
{
    public const string ReleaseNamespace = "guardrails";

    public static string Render(string template)
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "charts", "guardrails", "templates", template));
        return Expression().Replace(text.Replace("{{ .Release.Namespace }}", ReleaseNamespace, StringComparison.Ordinal).Replace("{{ $.Release.Namespace }}", ReleaseNamespace, StringComparison.Ordinal), "");
    }

    [GeneratedRegex(@"\{\{-?[^}]*\}\}")]
    private static partial Regex Expression();
}
