namespace Guardrails.Policies.Packs;

/// <summary>A rule pack as written by a policy author (one YAML document), before compilation.</summary>
public sealed record RulePack
{
    public const string ApiVersionV1Alpha1 = "guardrails.dev/v1alpha1";
    public const string KindName = "RulePack";

    public required string File { get; init; }

    public int Line { get; init; }

    public string? ApiVersion { get; init; }

    public string? Kind { get; init; }

    public string? Name { get; init; }

    public int NameLine { get; init; }

    public string? Description { get; init; }

    public bool Enabled { get; init; } = true;

    public ScopeSpec Scope { get; init; } = ScopeSpec.All;

    public IReadOnlyList<PackRule> Rules { get; init; } = [];
}
