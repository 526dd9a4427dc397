using System.Collections;
using Guardrails.Policies.Engine;

namespace Guardrails.Webhook.Admission;

/// <summary>
/// The warning lines of a verdict's Warn violations, each built only when it is read. The response writer reads none
/// of them: it formats each line straight into its own buffer (<see cref="TryFormat"/>), so a warned object costs no
/// warning strings at all on the admission path.
/// </summary>
internal sealed class ViolationWarnings : IReadOnlyList<string>
{
    private readonly Violation[] _violations;
    private string?[]? _text;

    public ViolationWarnings(Violation[] violations)
    {
        _violations = violations;
    }

    public int Count => _violations.Length;

    /// <summary>"Guardrails: " and <see cref="Violation.ToString"/>, built on first read.</summary>
    public string this[int index] => (_text ??= new string?[_violations.Length])[index] ??= Format(_violations[index]);

    /// <summary>
    /// Writes the line at <paramref name="index"/> into <paramref name="destination"/> when it fits; false (nothing
    /// usable written) when it does not, or when it is not the common case, so the caller falls back to the string.
    /// </summary>
    public bool TryFormat(int index, Span<char> destination, out int written)
    {
        var violation = _violations[index];
        if (violation is not { PreExisting: false, CoveredBy: null })
        {
            written = 0;
            return false;
        }

        // Only strings are interpolated: no culture can change the text, so this is the same line Format builds.
        return destination.TryWrite(System.Globalization.CultureInfo.InvariantCulture, $"Guardrails: [{violation.RuleId}] {violation.Path} ({violation.Actual}): {violation.Message}. Fix: {violation.Fix}", out written);
    }

    public IEnumerator<string> GetEnumerator()
    {
        for (var i = 0; i < _violations.Length; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary><see cref="Violation.ToString"/> names the debt or the waiver, and is the common case's line without them.</summary>
    private static string Format(Violation violation) => $"Guardrails: {violation}";
}
