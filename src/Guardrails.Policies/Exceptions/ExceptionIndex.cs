using System.Collections.Frozen;

namespace Guardrails.Policies.Exceptions;

/// <summary>
/// Exceptions indexed by namespace and rule, so a request none of them could cover pays one failed lookup per
/// violation however many are cached. Immutable: the host builds a new one when its cache changes.
/// </summary>
public sealed class ExceptionIndex
{
    public static readonly ExceptionIndex Empty = new([]);

    private readonly FrozenDictionary<(string Namespace, string Rule), PolicyException[]> _byNamespaceAndRule;

    public ExceptionIndex(IEnumerable<PolicyException> exceptions)
    {
        ArgumentNullException.ThrowIfNull(exceptions);
        All = [.. exceptions];
        _byNamespaceAndRule = All
            .GroupBy(e => (e.Namespace, e.Rule))
            .ToFrozenDictionary(g => g.Key, g => g.OrderBy(e => e.Name, StringComparer.Ordinal).ToArray());
    }

    public IReadOnlyList<PolicyException> All { get; }

    public int Count => All.Count;

    public bool IsEmpty => All.Count == 0;

    /// <summary>The exceptions of one namespace for one rule: never another namespace's.</summary>
    public ReadOnlySpan<PolicyException> For(string @namespace, string rule) =>
        _byNamespaceAndRule.TryGetValue((@namespace, rule), out var found) ? found : [];
}
