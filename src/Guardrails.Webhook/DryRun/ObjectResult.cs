using Guardrails.Policies.Engine;

namespace Guardrails.Webhook.DryRun;

/// <summary>The outcome for one document: a verdict, or the reason it could not be judged.</summary>
public sealed record ObjectResult(string Source, int Document, string? Kind, string? Namespace, string? Name, Verdict? Verdict, string? Error)
{
    public string Outcome => Error is not null ? "invalid"
        : Verdict!.SkippedBecause is not null ? "skipped"
        : Verdict.Allowed ? "allowed"
        : "denied";
}
