using Guardrails.Policies.Engine;
using Guardrails.Webhook.Hosting;

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
            anyAudit |= violation.Mode == EnforcementMode.Audit || violation.PreExisting || violation.CoveredBy is not null;
        }

        IReadOnlyList<string> warnings = anyWarn ? Warnings(verdict.Violations) : [];

        // The apiserver records each key as "<webhook name>/<key>" and drops keys that hold a '/' of their own.
        // A pre-existing violation is recorded too, so the debt an update was let through with stays on the audit trail.
        IReadOnlyDictionary<string, string> audits = anyAudit
            ? verdict.Violations
                .Where(v => v.Mode == EnforcementMode.Audit || v.PreExisting || v.CoveredBy is not null)
                .GroupBy(v => v.PreExisting ? $"{v.RuleId}.pre-existing" : v.CoveredBy is not null ? $"{v.RuleId}.exception" : v.RuleId)
                .ToDictionary(g => g.Key, g => string.Join("; ", g.Select(AuditText)))
            : NoAnnotations;

        // A denial's message is written from the verdict by AdmissionResponseWriter, never built as a string here.
        return new AdmissionDecision(verdict.Allowed, verdict.Allowed ? 200 : 403, null, warnings, audits, null, verdict);
    }

    /// <summary>/mutate only proposes defaults; judging is /validate's job, so the object is never denied here.</summary>
    /// <remarks>
    /// A patch too large to send is not sent: the object goes on unmutated and /validate judges it as it is, so the
    /// defaults it lacks are denied there rather than silently allowed.
    /// </remarks>
    public static AdmissionDecision ForMutate(Verdict verdict)
    {
        if (!verdict.Patch.IsEmpty && verdict.Patch.ToUtf8Bytes().Length is var size and > ResponseLimits.MaxPatchBytes)
        {
            return new(true, 200, null, [$"Guardrails: defaults not applied: the patch would be {size} bytes, over the {ResponseLimits.MaxPatchBytes / 1024} KiB limit"], NoAnnotations, null, verdict);
        }

        return new(true, 200, null, [], NoAnnotations, verdict.Patch.IsEmpty ? null : verdict.Patch, verdict);
    }

    /// <summary>The Warn violations as warning lines, each formatted only when read (the response writer formats none).</summary>
    private static ViolationWarnings Warnings(IReadOnlyList<Violation> violations)
    {
        var count = 0;
        foreach (var violation in violations)
        {
            count += violation.Mode == EnforcementMode.Warn ? 1 : 0;
        }

        var warned = new Violation[count];
        var next = 0;
        foreach (var violation in violations)
        {
            if (violation.Mode == EnforcementMode.Warn)
            {
                warned[next++] = violation;
            }
        }

        return new ViolationWarnings(warned);
    }

    /// <summary>A waived violation's audit entry names the exception, who asked, why, and until when.</summary>
    private static string AuditText(Violation violation) => violation.CoveredBy is { } e
        ? $"{violation.Path}: {violation.Message} (waived by PolicyException {e.DisplayName}, requested by {e.RequestedBy ?? "(unknown)"}{(e.ApprovedBy is { } a ? $", approved by {a}" : "")}, reason: {e.Reason ?? "(none)"}, expires {e.Expires.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'})"
        : $"{violation.Path}: {violation.Message}";
}
