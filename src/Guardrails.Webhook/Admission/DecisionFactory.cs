using System.Text;
using Guardrails.Policies.Engine;

namespace Guardrails.Webhook.Admission;

/// <summary>Turns an engine verdict into what each admission door answers.</summary>
public static class DecisionFactory
{
    /// <summary>/validate: Enforce denies (403, every violation listed); Warn becomes warnings; Audit becomes audit annotations.</summary>
    public static AdmissionDecision ForValidate(Verdict verdict)
    {
        var warnings = verdict.Warnings.Select(FormatWarning).ToList();
        var audits = verdict.Audits
            .GroupBy(v => v.RuleId)
            .ToDictionary(g => $"guardrails.dev/{g.Key}", g => string.Join("; ", g.Select(v => $"{v.Path}: {v.Message}")));
        if (verdict.Allowed)
        {
            return new AdmissionDecision(true, 200, null, warnings, audits, null, verdict);
        }

        return new AdmissionDecision(false, 403, DenialMessage(verdict), warnings, audits, null, verdict);
    }

    /// <summary>/mutate only proposes defaults; judging is /validate's job, so the object is never denied here.</summary>
    public static AdmissionDecision ForMutate(Verdict verdict) =>
        new(true, 200, null, [], new Dictionary<string, string>(), verdict.Patch.IsEmpty ? null : verdict.Patch, verdict);

    public static string DenialMessage(Verdict verdict)
    {
        var denials = verdict.Denials.ToList();
        var text = new StringBuilder();
        text.Append("Guardrails denied ").Append(verdict.DisplayName).Append(": ")
            .Append(denials.Count).Append(denials.Count == 1 ? " violation" : " violations");
        foreach (var violation in denials)
        {
            text.Append("\n- ").Append(violation.ToString());
        }

        return text.ToString();
    }

    private static string FormatWarning(Violation violation) => $"Guardrails: {violation}";
}
