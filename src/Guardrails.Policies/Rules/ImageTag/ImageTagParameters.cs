namespace Guardrails.Policies.Rules.ImageTag;

public sealed record ImageTagParameters
{
    public static readonly IReadOnlyList<string> DefaultDisallowedTags = ["latest"];

    /// <summary>Tags that move and so pin nothing. Tags are case-sensitive, as in the registry API.</summary>
    public IReadOnlyList<string> DisallowedTags { get; init; } = DefaultDisallowedTags;

    /// <summary>Globs (<c>*</c>, <c>?</c>) matched against the image as written, e.g. <c>registry.k8s.io/pause:*</c>.</summary>
    public IReadOnlyList<string> ExemptImages { get; init; } = [];
}
