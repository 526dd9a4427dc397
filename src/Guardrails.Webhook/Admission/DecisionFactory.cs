using Guardrails.Policies.Engine;

namespace Guardrails.Webhook.Admission;

/// <summary>Turns an engine verdict into what each admission door answers.</summary>
public static class DecisionFactory
{
    private static readonly IReadOnlyDictionary<string, string> NoAnnotations = new Dictionary<string, string>();

    /// <summary>
    /// /validate: Enforce denies (403, every violation listed); Warn becomes warnings; Audit becomes audit annotations;
    /// a pre-existing violation an UPDATE leaves alone becomes both a warning and an audit annotation.
    /// </summary>
    public static AdmissionDecision ForValidate(Verdict verdict)
    {
        if (verdict.Violations.Count == 0)
        {
            return AdmissionDecision.Allow(verdict: verdict);
        }

        var (anyWarn, anyAudit) = (false, false);
        foreach (var violation in verdict.Violations)
        {
            anyWarn |= violation.Mode == EnforcementMode.Warn;
            anyAudit |= violation.Mode == EnforcementMode.Audit || violation.PreExisting;
        }

        IReadOnlyList<string> warnings = anyWarn ? verdict.Warnings.Select(FormatWarning).ToList() : [];

        // The apiserver records each key as "<webhook name>/<key>" and drops keys that hold a '/' of their own.
        // A pre-existing violation is recorded too, so the debt an update was let through with stays on the audit trail.
        IReadOnlyDictionary<string, string> audits = anyAudit
            ? verdict.Violations
                .Where(v => v.Mode == EnforcementMode.Audit || v.PreExisting)
                .GroupBy(v => v.PreExisting ? $"{v.RuleId}.pre-existing" : v.RuleId)
                .ToDictionary(g => g.Key, g => string.Join("; ", g.Select(v => $"{v.Path}: {v.Message}")))
            : NoAnnotations;

        // A denial's message is written from the verdict by AdmissionResponseWriter, never built as a string here.
        return new AdmissionDecision(verdict.Allowed, verdict.Allowed ? 200 : 403, null, warnings, audits, null, verdict);
    }

    /// <summary>/mutate only proposes defaults; judging is /validate's job, so the object is never denied here.</summary>
    public static AdmissionDecision ForMutate(Verdict verdict) =>
        new(true, 200, null, [], new Dictionary<string, string>(), verdict.Patch.IsEmpty ? null : verdict.Patch, verdict);

    private static string FormatWarning(Violation violation) => $"Guardrails: {violation}";
}
