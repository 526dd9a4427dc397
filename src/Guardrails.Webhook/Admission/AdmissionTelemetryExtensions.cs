using System.Diagnostics;
using Guardrails.Webhook.Telemetry;

namespace Guardrails.Webhook.Admission;

public static class AdmissionTelemetryExtensions
{
    public static AdmissionHandler WithMetrics(this AdmissionHandler next, GuardrailsMetrics metrics) => async call =>
    {
        var started = Stopwatch.GetTimestamp();
        var operation = call.Operation == AdmissionOperationKind.Validate ? "validate" : "mutate";
        try
        {
            var decision = await next(call).ConfigureAwait(false);
            metrics.RecordRequest("admission", operation, call.Review.Kind, decision.Outcome, Stopwatch.GetElapsedTime(started));
            if (call.Operation == AdmissionOperationKind.Validate && decision.Verdict is { } verdict)
            {
                RecordViolations(metrics, verdict.Violations);
            }

            return decision;
        }
        catch
        {
            metrics.RecordRequest("admission", operation, call.Review.Kind, "error", Stopwatch.GetElapsedTime(started));
            throw;
        }
    };

    /// <summary>Violations arrive grouped by rule: one counter update per run, not per violation.</summary>
    private static void RecordViolations(GuardrailsMetrics metrics, IReadOnlyList<Guardrails.Policies.Engine.Violation> violations)
    {
        var start = 0;
        for (var i = 1; i <= violations.Count; i++)
        {
            if (i == violations.Count || violations[i].RuleId != violations[start].RuleId || violations[i].Mode != violations[start].Mode)
            {
                metrics.RecordViolation(violations[start].RuleId, violations[start].Mode.ToString(), i - start);
                start = i;
            }
        }
    }

    public static AdmissionHandler WithTracing(this AdmissionHandler next) => async call =>
    {
        using var activity = GuardrailsTelemetry.ActivitySource.StartActivity(
            call.Operation == AdmissionOperationKind.Validate ? "admission validate" : "admission mutate",
            ActivityKind.Server);
        if (activity is not null)
        {
            activity.SetTag("guardrails.uid", call.Review.Uid);
            activity.SetTag("k8s.kind", call.Review.Kind);
            activity.SetTag("k8s.namespace.name", call.Review.Namespace);
            activity.SetTag("k8s.object.name", call.Review.Name);
            activity.SetTag("k8s.operation", call.Review.Operation.ToString());
        }

        var decision = await next(call).ConfigureAwait(false);
        activity?.SetTag("guardrails.verdict", decision.Outcome);
        return decision;
    };
}
