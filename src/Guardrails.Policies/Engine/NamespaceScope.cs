using Guardrails.Policies.Packs;
using Guardrails.Policies.State;

namespace Guardrails.Policies.Engine;

/// <summary>A pack's scope intersected with its rule's, with the protected namespaces resolved at compile time.</summary>
internal sealed class NamespaceScope
{
    private readonly ScopeSpec[] _terms;
    private readonly IReadOnlySet<string> _protected;
    private readonly bool _includeProtected;

    public NamespaceScope(IReadOnlySet<string> protectedNamespaces, params ScopeSpec[] terms)
    {
        _terms = terms;
        _protected = protectedNamespaces;
        _includeProtected = terms.Any(t => t.IncludeSystemNamespaces);
    }

    public bool Matches(string @namespace, IClusterSnapshot cluster)
    {
        if (!_includeProtected && _protected.Contains(@namespace))
        {
            return false;
        }

        foreach (var term in _terms)
        {
            if (term.IncludeNamespaces.Count > 0 && !term.IncludeNamespaces.Contains(@namespace))
            {
                return false;
            }

            if (term.ExcludeNamespaces.Contains(@namespace))
            {
                return false;
            }

            // An unknown namespace has no labels: a selector cannot match it, as in Kyverno and Gatekeeper.
            if (term.NamespaceSelector is { } selector
                && !selector.Matches(cluster.GetNamespace(@namespace)?.Labels ?? EmptyLabels))
            {
                return false;
            }
        }

        return true;
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyLabels = new Dictionary<string, string>();
}
