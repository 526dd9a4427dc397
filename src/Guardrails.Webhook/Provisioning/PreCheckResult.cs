using System.Diagnostics.CodeAnalysis;
using Guardrails.Policies.Engine;

namespace Guardrails.Webhook.Provisioning;

/// <summary>
/// The pre-check's answer: every reason the request is refused (all at once, each with a field path and a fix),
/// warnings from Warn-mode rules, and the plan that was judged.
/// </summary>
/// <param name="Plan">Null only when the tier is unknown, so there is nothing to plan.</param>
public sealed record PreCheckResult(IReadOnlyList<Violation> Reasons, IReadOnlyList<Violation> Warnings, EnvironmentPlan? Plan)
{
    [MemberNotNullWhen(true, nameof(Plan))]
    public bool Passed => Reasons.Count == 0 && Plan is not null;
}
