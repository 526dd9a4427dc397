namespace Guardrails.Policies.Engine;

/// <param name="RuleId">Stable kebab-case id, e.g. <c>image-tag</c>.</param>
/// <param name="Path">Field path from the object root, e.g. <c>spec.template.spec.containers[1].image</c>.</param>
/// <param name="Actual">The value found there ("unset" when missing).</param>
/// <param name="Message">What is wrong, in a developer's words.</param>
/// <param name="Fix">How to fix it.</param>
public sealed record Violation(string RuleId, string Path, string Actual, string Message, string Fix, EnforcementMode Mode, string Pack)
{
    /// <summary>
    /// On UPDATE: the object already had this violation, on a field the update leaves as it was. It no longer denies
    /// (<see cref="Mode"/> is Warn) but stays visible, as a warning and an audit annotation.
    /// </summary>
    public bool PreExisting { get; init; }

    /// <summary>The active exception that waives this violation (<see cref="Mode"/> is then Warn); null when none does.</summary>
    public Exceptions.PolicyException? CoveredBy { get; init; }

    /// <summary>One line: rule, path, actual value, what is wrong and the fix.</summary>
    public override string ToString() => $"{(PreExisting ? "pre-existing: " : "")}{(CoveredBy is { } e ? $"excepted by PolicyException {e.DisplayName} until {e.Expires.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}: " : "")}[{RuleId}] {Path} ({Actual}): {Message}. Fix: {Fix}";
}
