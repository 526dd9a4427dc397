using Guardrails.Policies.Quantities;

namespace Guardrails.Policies.State;

/// <summary>One ResourceQuota: its <c>spec.hard</c> and <c>status.used</c>, keyed by resource name (<c>requests.cpu</c>, <c>pods</c>).</summary>
public sealed record ResourceQuotaState(
    string Name,
    string Namespace,
    IReadOnlyDictionary<string, Quantity> Hard,
    IReadOnlyDictionary<string, Quantity> Used,
    IReadOnlyList<string> Scopes,
    bool HasScopeSelector)
{
    public Quantity UsedOf(string resource) => Used.TryGetValue(resource, out var used) ? used : Quantity.Zero;
}
