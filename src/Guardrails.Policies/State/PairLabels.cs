using System.Diagnostics.CodeAnalysis;

namespace Guardrails.Policies.State;

/// <summary>
/// A summary's label pairs read as a map, without copying them: selectors are matched against thousands of cached
/// workloads per decision, and a few labels are found faster by a scan than by building a dictionary each time.
/// </summary>
public sealed class PairLabels : IReadOnlyDictionary<string, string>
{
    private readonly IReadOnlyList<KeyValuePair<string, string>> _pairs;

    public PairLabels(IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        _pairs = pairs;
    }

    public int Count => _pairs.Count;

    public IEnumerable<string> Keys => _pairs.Select(p => p.Key);

    public IEnumerable<string> Values => _pairs.Select(p => p.Value);

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        for (var i = 0; i < _pairs.Count; i++)
        {
            if (string.Equals(_pairs[i].Key, key, StringComparison.Ordinal))
            {
                value = _pairs[i].Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _pairs.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
