namespace Guardrails.Policies.Tests.Authoring;

public sealed record OwnerLabelParameters
{
    public required IReadOnlyList<string> Kinds { get; init; }

    public string Label { get; init; } = "owner";

    public int MaxMissing { get; init; }

    public bool Strict { get; init; }

    public OwnerSeverity Severity { get; init; } = OwnerSeverity.Low;
}
