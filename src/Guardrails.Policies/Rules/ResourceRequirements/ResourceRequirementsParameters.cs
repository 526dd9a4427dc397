using Guardrails.Policies.Quantities;

namespace Guardrails.Policies.Rules.ResourceRequirements;

public sealed record ResourceRequirementsParameters
{
    public static readonly IReadOnlyList<string> DefaultRequired = ["requests.cpu", "requests.memory", "limits.memory"];

    /// <summary>Any of <c>requests.cpu</c>, <c>requests.memory</c>, <c>limits.cpu</c>, <c>limits.memory</c>.</summary>
    public IReadOnlyList<string> Required { get; init; } = DefaultRequired;

    /// <summary>Upper bounds per field, e.g. <c>limits.memory: 8Gi</c>.</summary>
    public IReadOnlyDictionary<string, Quantity> Maximum { get; init; } = new Dictionary<string, Quantity>();

    /// <summary>Caps on limit ÷ request per resource (<c>cpu</c>, <c>memory</c>), as in LimitRange's maxLimitRequestRatio.</summary>
    public IReadOnlyDictionary<string, decimal> MaxLimitRequestRatio { get; init; } = new Dictionary<string, decimal>();

    /// <summary>Values <c>/mutate</c> fills in where a container omits them; none means the rule never mutates.</summary>
    public IReadOnlyDictionary<string, Quantity> Defaults { get; init; } = new Dictionary<string, Quantity>();
}
