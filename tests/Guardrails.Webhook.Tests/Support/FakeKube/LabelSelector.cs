namespace Guardrails.Webhook.Tests.Support.FakeKube;

/// <summary>
/// A <c>labelSelector</c> query: <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a</c>, <c>!a</c>, <c>a in (x,y)</c>,
/// <c>a notin (x,y)</c>, comma-separated and all required.
/// </summary>
internal sealed class LabelSelector
{
    public static readonly LabelSelector Everything = new([]);

    private readonly IReadOnlyList<Func<IReadOnlyDictionary<string, string>, bool>> _requirements;

    private LabelSelector(IReadOnlyList<Func<IReadOnlyDictionary<string, string>, bool>> requirements) => _requirements = requirements;

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.All(r => r(labels));

    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<Func<IReadOnlyDictionary<string, string>, bool>>();
        foreach (var term in SplitTerms(text))
        {
            requirements.Add(ParseTerm(term.Trim(), text));
        }

        return new LabelSelector(requirements);
    }

    private static Func<IReadOnlyDictionary<string, string>, bool> ParseTerm(string term, string selector)
    {
        var words = term.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length >= 3 && words[1] is "in" or "notin")
        {
            var rest = string.Join("", words[2..]);
            if (!rest.StartsWith('(') || !rest.EndsWith(')'))
            {
                throw FakeKubeError.BadRequest($"unable to parse requirement '{term}' in labelSelector '{selector}'");
            }

            var values = rest[1..^1].Split(',', StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
            var key = words[0];
            return words[1] == "in"
                ? labels => labels.TryGetValue(key, out var v) && values.Contains(v)
                : labels => !labels.TryGetValue(key, out var v) || !values.Contains(v);
        }

        if (term.Contains("!=", StringComparison.Ordinal))
        {
            var (key, value) = Split(term, "!=");
            return labels => !labels.TryGetValue(key, out var v) || v != value;
        }

        if (term.Contains('=', StringComparison.Ordinal))
        {
            var (key, value) = Split(term, term.Contains("==", StringComparison.Ordinal) ? "==" : "=");
            return labels => labels.TryGetValue(key, out var v) && v == value;
        }

        if (term.StartsWith('!'))
        {
            var key = term[1..].Trim();
            return labels => !labels.ContainsKey(key);
        }

        return labels => labels.ContainsKey(term);
    }

    private static (string Key, string Value) Split(string term, string separator)
    {
        var at = term.IndexOf(separator, StringComparison.Ordinal);
        return (term[..at].Trim(), term[(at + separator.Length)..].Trim());
    }

    private static IEnumerable<string> SplitTerms(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }
}
