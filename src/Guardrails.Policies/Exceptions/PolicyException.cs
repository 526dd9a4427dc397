using Guardrails.Policies.Packs;

namespace Guardrails.Policies.Exceptions;

/// <summary>
/// One <c>guardrails.dev/v1alpha1</c> PolicyException as read from the cluster, a request body or a file: which rule
/// it waives, for what, why, until when, and who asked and approved (as Guardrails recorded them).
/// </summary>
public sealed record PolicyException
{
    public const string Group = "guardrails.dev";
    public const string Version = "v1alpha1";
    public const string KindName = "PolicyException";
    public const string Plural = "policyexceptions";
    public const string ApiVersion = Group + "/" + Version;

    public required string Namespace { get; init; }

    public required string Name { get; init; }

    public string? Uid { get; init; }

    public required string Rule { get; init; }

    /// <summary>The target's kind (<c>Deployment</c>); with <see cref="TargetName"/>. Null with a selector.</summary>
    public string? TargetKind { get; init; }

    public string? TargetName { get; init; }

    /// <summary>Objects whose labels, or whose pod template's labels, match.</summary>
    public LabelSelector? TargetSelector { get; init; }

    /// <summary>Only this container's violations are covered; null: every container's, and the pod's.</summary>
    public string? Container { get; init; }

    /// <summary>resource-requirements: only these fields (<c>limits.memory</c>); empty: every field.</summary>
    public IReadOnlyList<string> Fields { get; init; } = [];

    /// <summary>image-tag: only images matching this glob; null: any image.</summary>
    public string? Image { get; init; }

    public string? Reason { get; init; }

    public string? Ticket { get; init; }

    public required DateTimeOffset Expires { get; init; }

    /// <summary><c>metadata.creationTimestamp</c>; null before the apiserver stores it (and in files).</summary>
    public DateTimeOffset? Created { get; init; }

    public string? RequestedBy { get; init; }

    public string? ApprovedBy { get; init; }

    public string Target => TargetName is not null
        ? $"{TargetKind}/{TargetName}{(Container is null ? "" : $" container {Container}")}"
        : $"objects labelled {string.Join(",", TargetSelector?.MatchLabels.Select(l => $"{l.Key}={l.Value}") ?? [])}{(Container is null ? "" : $" container {Container}")}";

    public string DisplayName => $"{Namespace}/{Name}";
}
