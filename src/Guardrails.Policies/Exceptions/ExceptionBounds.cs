using System.Text.RegularExpressions;
using Guardrails.Policies.Packs;

namespace Guardrails.Policies.Exceptions;

/// <summary>
/// How much a developer may waive of one rule on their own, as the platform team wrote it in the pack
/// (<c>rules[].exceptions</c>). Beyond these bounds an exception is refused, or waits for an approver when
/// <see cref="ApprovalRequired"/> is set.
/// </summary>
public sealed record ExceptionBounds
{
    /// <summary>Within the bounds an exception is Active as soon as it is created; false: every exception needs approval.</summary>
    public bool SelfService { get; init; }

    /// <summary><c>approval: required</c>: beyond the bounds an exception is held PendingApproval instead of refused.</summary>
    public bool ApprovalRequired { get; init; }

    /// <summary>From creation to <c>spec.expires</c>, at most.</summary>
    public TimeSpan MaxDuration { get; init; }

    /// <summary>Only in these namespaces; empty means any (subject to <see cref="NamespaceSelector"/>).</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>Only in namespaces whose labels match (a tier: <c>guardrails.dev/tier: dev</c>).</summary>
    public LabelSelector? NamespaceSelector { get; init; }

    public bool ReasonRequired { get; init; } = true;

    /// <summary>When set, <c>spec.ticket</c> is required and must match.</summary>
    public Regex? TicketPattern { get; init; }

    /// <summary>run-as-non-root and the like: the containers (globs) an exception may name; empty means any.</summary>
    public IReadOnlyList<string> Containers { get; init; } = [];

    /// <summary>resource-requirements: the fields (<c>limits.memory</c>) an exception may waive; empty means any.</summary>
    public IReadOnlyList<string> Fields { get; init; } = [];

    /// <summary>image-tag: the images (globs) an exception may name; empty means any.</summary>
    public IReadOnlyList<string> Images { get; init; } = [];

    /// <summary>How long an expired exception object is kept before Guardrails deletes it; null keeps it.</summary>
    public TimeSpan? DeleteExpiredAfter { get; init; }

    /// <summary>Whether developers can ask for anything at all, on their own or through an approver.</summary>
    public bool AllowsRequests => SelfService || ApprovalRequired;
}
