using Guardrails.Policies.Quantities;

namespace Guardrails.Webhook.Provisioning;

/// <summary>What every environment of one tier gets: Pod Security level, container defaults, quota extras, network allowances, expected packs.</summary>
public sealed record TierSettings
{
    public static IReadOnlyList<string> PodSecurityLevels { get; } = ["privileged", "baseline", "restricted"];

    public required string Name { get; init; }

    /// <summary>The Pod Security Standard enforced on the namespace: privileged, baseline or restricted.</summary>
    public string? PodSecurity { get; init; }

    /// <summary>LimitRange <c>default</c>: the limits a container gets when it sets none.</summary>
    public ContainerDefaults DefaultLimits { get; init; } = ContainerDefaults.None;

    /// <summary>LimitRange <c>defaultRequest</c>: the requests a container gets when it sets none.</summary>
    public ContainerDefaults DefaultRequests { get; init; } = ContainerDefaults.None;

    /// <summary>Extra ResourceQuota <c>hard</c> entries (<c>services.loadbalancers: 0</c>) beside those the request sizes.</summary>
    public IReadOnlyDictionary<string, Quantity> QuotaHard { get; init; } = new Dictionary<string, Quantity>();

    /// <summary>Namespaces whose pods may reach this tier's pods (an ingress controller, monitoring), besides the environment's own.</summary>
    public IReadOnlyList<string> AllowFromNamespaces { get; init; } = [];

    /// <summary>Rule packs that must be loaded and enabled for an environment of this tier to be created.</summary>
    public IReadOnlyList<string> Packs { get; init; } = [];

    public int Line { get; init; }

    /// <summary>Lines of the fields below the tier, keyed by their path from it (<c>limitRange.default.cpu</c>).</summary>
    public IReadOnlyDictionary<string, int> Lines { get; init; } = new Dictionary<string, int>();

    public int LineOf(string key) => Lines.TryGetValue(key, out var line) ? line : Line;
}
