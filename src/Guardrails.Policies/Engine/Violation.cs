namespace Guardrails.Policies.Engine;

/// <param name="RuleId">Stable kebab-case id, e.g. <c>image-tag</c>.</param>
/// <param name="Path">Field path from the object root, e.g. <c>spec.template.spec.containers[1].image</c>.</param>
/// <param name="Actual">The value found there ("unset" when missing).</param>
/// <param name="Message">What is wrong, in a developer's words.</param>
/// <param name="Fix">How to fix it.</param>
public sealed record Violation(string RuleId, string Path, string Actual, string Message, string Fix, EnforcementMode Mode, string Pack)
{
    /// <summary>One line: rule, path, actual value, what is wrong and the fix.</summary>
    public override string ToString() => $"[{RuleId}] {Path} ({Actual}): {Message}. Fix: {Fix}";
}
