using Guardrails.Policies.Quantities;

namespace Guardrails.Policies.State;

/// <summary>The <c>type: Container</c> defaults of a LimitRange, which the LimitRanger admission plugin fills into containers that omit them.</summary>
public sealed record LimitRangeDefaults(
    string Name,
    IReadOnlyDictionary<string, Quantity> DefaultLimits,
    IReadOnlyDictionary<string, Quantity> DefaultRequests);
