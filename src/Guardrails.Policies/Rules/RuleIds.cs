using System.Text.RegularExpressions;

namespace Guardrails.Policies.Rules;

internal static partial class RuleIds
{
    public static bool IsValid(string id) => KebabCase().IsMatch(id);

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KebabCase();
}
