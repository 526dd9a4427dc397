using Guardrails.Policies.Packs;

namespace Guardrails.Webhook.Provisioning;

/// <summary>
/// The platform team's provisioning settings (<c>kind: PlatformSettings</c>, beside the rule packs): which teams may
/// have environments and how much, and what each tier's environments get.
/// </summary>
public sealed record PlatformSettings
{
    public const string ApiVersionV1Alpha1 = "guardrails.dev/v1alpha1";
    public const string KindName = PackParser.PlatformSettingsKind;

    /// <summary>The tiers the Environment CRD accepts; settings may define fewer, not others.</summary>
    public static IReadOnlyList<string> KnownTiers { get; } = ["dev", "staging", "prod"];

    public required string File { get; init; }

    public int Line { get; init; }

    public string? ApiVersion { get; init; }

    public string? Kind { get; init; }

    public IReadOnlyDictionary<string, TeamSettings> Teams { get; init; } = new Dictionary<string, TeamSettings>();

    public IReadOnlyDictionary<string, TierSettings> Tiers { get; init; } = new Dictionary<string, TierSettings>();

    /// <summary>Lines of top-level fields, keyed by path (<c>spec.tiers</c>).</summary>
    public IReadOnlyDictionary<string, int> Lines { get; init; } = new Dictionary<string, int>();

    public int LineOf(string key) => Lines.TryGetValue(key, out var line) ? line : Line;
}
