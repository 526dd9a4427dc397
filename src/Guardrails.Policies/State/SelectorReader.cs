using System.Text.Json;
using Guardrails.Policies.Packs;
using Guardrails.Policies.Resources;

namespace Guardrails.Policies.State;

/// <summary>Reads a Kubernetes <c>LabelSelector</c> from an object (a PodDisruptionBudget's selector, a NetworkPolicy's podSelector and peers).</summary>
public static class SelectorReader
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    /// <summary>Selects everything: <c>{}</c>.</summary>
    public static LabelSelector Everything { get; } = new(NoLabels, []);

    /// <summary>The selector, or null when the field is absent (not an object).</summary>
    public static LabelSelector? Read(JsonElement selector)
    {
        if (selector.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (selector.Child("matchLabels"u8) is { ValueKind: JsonValueKind.Object } matchLabels)
        {
            foreach (var label in matchLabels.EnumerateObject())
            {
                labels[string.Intern(label.Name)] = label.Value.Display();
            }
        }

        var expressions = new List<LabelSelectorRequirement>();
        if (selector.Child("matchExpressions"u8) is { ValueKind: JsonValueKind.Array } matchExpressions)
        {
            foreach (var expression in matchExpressions.EnumerateArray())
            {
                var values = expression.Child("values"u8).ValueKind == JsonValueKind.Array
                    ? expression.Child("values"u8).EnumerateArray().Select(v => v.Display()).ToList()
                    : [];
                expressions.Add(new LabelSelectorRequirement(expression.Child("key"u8).Display(), expression.Child("operator"u8).Display(), values));
            }
        }

        return labels.Count == 0 && expressions.Count == 0 ? Everything : new LabelSelector(labels, expressions);
    }

    public static bool IsEmpty(LabelSelector selector) => selector.MatchLabels.Count == 0 && selector.MatchExpressions.Count == 0;

    /// <summary>How a message shows a selector: <c>app=web</c>, <c>tier in (a, b)</c>, <c>(every pod)</c>.</summary>
    public static string Describe(LabelSelector selector)
    {
        if (IsEmpty(selector))
        {
            return "{} (every pod)";
        }

        var parts = selector.MatchLabels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")
            .Concat(selector.MatchExpressions.Select(e => e.Values.Count == 0 ? $"{e.Key} {e.Operator}" : $"{e.Key} {e.Operator} ({string.Join(", ", e.Values)})"));
        return string.Join(", ", parts);
    }
}
