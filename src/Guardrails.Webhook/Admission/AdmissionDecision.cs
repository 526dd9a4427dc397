using Guardrails.Policies.Engine;

namespace Guardrails.Webhook.Admission;

/// <summary>What the webhook answers for one review: allowed or not, why, warnings, audit annotations, and the patch.</summary>
public sealed record AdmissionDecision(bool Allowed, int Code, string? Message, IReadOnlyList<string> Warnings, IReadOnlyDictionary<string, string> AuditAnnotations, Guardrails.Policies.Patching.JsonPatch? Patch, Verdict? Verdict)
{
    private static readonly IReadOnlyDictionary<string, string> NoAnnotations = new Dictionary<string, string>();

    public static AdmissionDecision Allow(string? message = null, Verdict? verdict = null, IReadOnlyList<string>? warnings = null) =>
        new(true, 200, message, warnings ?? [], NoAnnotations, null, verdict);

    public static AdmissionDecision Deny(string message, int code = 403) =>
        new(false, code, message, [], NoAnnotations, null, null);

    /// <summary>Label for logs and metrics.</summary>
    public string Outcome => !Allowed ? "denied"
        : Verdict is null || Verdict.SkippedBecause is not null ? "skipped"
        : Warnings.Count > 0 ? "warned"
        : "allowed";
}
