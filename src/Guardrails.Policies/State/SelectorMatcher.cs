using Guardrails.Policies.Packs;

namespace Guardrails.Policies.State;

/// <summary>
/// A label selector prepared once to be matched against many cached label lists (a budget's selector against every
/// workload of its namespace): plain loops over arrays, nothing allocated per workload.
/// </summary>
public sealed class SelectorMatcher
{
    private readonly KeyValuePair<string, string>[] _labels;
    private readonly LabelSelectorRequirement[] _expressions;

    public SelectorMatcher(LabelSelector selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        _labels = [.. selector.MatchLabels];
        _expressions = [.. selector.MatchExpressions];
    }

    public bool Matches(IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        foreach (var (key, value) in _labels)
        {
            if (Find(pairs, key) is not { } actual || !string.Equals(actual, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        foreach (var requirement in _expressions)
        {
            var actual = Find(pairs, requirement.Key);
            var holds = requirement.Operator switch
            {
                "In" => actual is not null && requirement.Values.Contains(actual),
                "NotIn" => actual is null || !requirement.Values.Contains(actual),
                "Exists" => actual is not null,
                "DoesNotExist" => actual is null,
                _ => false,
            };
            if (!holds)
            {
                return false;
            }
        }

        return true;
    }

    private static string? Find(IReadOnlyList<KeyValuePair<string, string>> pairs, string key)
    {
        for (var i = 0; i < pairs.Count; i++)
        {
            if (string.Equals(pairs[i].Key, key, StringComparison.Ordinal))
            {
                return pairs[i].Value;
            }
        }

        return null;
    }
}
