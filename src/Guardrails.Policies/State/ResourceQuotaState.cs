using Guardrails.Policies.Quantities;

namespace Guardrails.Policies.State;

/// <summary>One ResourceQuota: its <c>spec.hard</c> and <c>status.used</c>, keyed by resource name (<c>requests.cpu</c>, <c>pods</c>).</summary>
public sealed record ResourceQuotaState(
    string Name,
    string Namespace,
    IReadOnlyDictionary<string, Quantity> Hard,
    IReadOnlyDictionary<string, Quantity> Used,
    IReadOnlyList<ScopeRequirement> Scopes)
{
    private static readonly IReadOnlyDictionary<string, Quantity> Nothing = new Dictionary<string, Quantity>();

    /// <summary>Admitted by Guardrails moments ago but not yet in <see cref="Used"/>: the quota controller has not caught up.</summary>
    public IReadOnlyDictionary<string, Quantity> Reserved { get; init; } = Nothing;

    public Quantity UsedOf(string resource) => Used.TryGetValue(resource, out var used) ? used : Quantity.Zero;

    public Quantity ReservedOf(string resource) => Reserved.TryGetValue(resource, out var reserved) ? reserved : Quantity.Zero;
}
