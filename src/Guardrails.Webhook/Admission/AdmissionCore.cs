using Guardrails.Policies.Engine;
using Guardrails.Policies.Resources;
using Guardrails.Webhook.Admission.Refusals;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Exceptions;
using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Provisioning;
using Guardrails.Webhook.Telemetry;

namespace Guardrails.Webhook.Admission;

/// <summary>The decision itself: the current compiled policy applied to the review, with subresources handled on purpose.</summary>
public static class AdmissionCore
{
    public static AdmissionHandler Create(PolicyStore policies, IClusterStateSource cluster, GuardrailsMetrics? metrics = null, EnvironmentPreCheckService? environments = null, RefusalEvents? refusals = null, IExceptionSource? exceptions = null, IApprovalCheck? approvals = null, TimeProvider? time = null) => call =>
    {
        var review = call.Review;
        time ??= TimeProvider.System;

        // A PolicyException is judged against the pack's bounds, and who asked and approved is recorded from userInfo.
        if (ExceptionAdmission.Handles(review))
        {
            return call.Operation == AdmissionOperationKind.Mutate
                ? ValueTask.FromResult(ExceptionAdmission.Mutate(review))
                : ExceptionAdmission.ValidateAsync(review, policies.Current, cluster.Current, approvals ?? new NoApprovalCheck(), time.GetUtcNow(), call.Aborted);
        }

        // Environments before the rule packs: without valid packs the pre-check says so itself, and the controller's
        // own finalizer writes must never wait on a pack being fixed.
        if (review is { Group: "guardrails.dev", Kind: EnvironmentRequest.KindName, SubResource: null, Operation: AdmissionOperation.Create or AdmissionOperation.Update }
            && environments is not null)
        {
            return ValueTask.FromResult(call.Operation == AdmissionOperationKind.Validate
                ? EnvironmentAdmission.Decide(review, environments)
                : AdmissionDecision.Allow("Environments are not mutated"));
        }

        var policy = policies.Current;
        if (policy is null)
        {
            // Not ready: the apiserver's failurePolicy decides; answer plainly rather than guess.
            return ValueTask.FromResult(AdmissionDecision.Deny("Guardrails has no valid rule packs loaded yet", 503));
        }

        switch (review.SubResource)
        {
            case null:
            case "ephemeralcontainers" when review.Object.Child("kind"u8).AsString() == "Pod":
                break;
            case "status":
                return ValueTask.FromResult(AdmissionDecision.Allow("status updates are not checked"));
            case "scale" when review.Operation == AdmissionOperation.Update:
                // Judged from the target's cached summary: the new replicas × per-pod demand against what is left.
                break;
            default:
                return ValueTask.FromResult(AdmissionDecision.Allow($"subresource {review.SubResource} is not checked"));
        }

        var state = cluster.Current;
        if (state.Unavailable is not null && metrics is not null && WorkloadKind.Find(review.Group, review.Kind) is not null)
        {
            // Counted per request that had to be judged without trustworthy state, so an alert can say how many.
            metrics.RecordStaleState(cluster.IsSynced ? "watch-failing" : "not-synced");
        }

        // One clock reading per request: an exception expiring now covers either the whole request or none of it.
        var request = review.ToEvaluationRequest(state, exceptions?.Current, time.GetUtcNow());

        try
        {
            if (call.Operation == AdmissionOperationKind.Mutate)
            {
                return ValueTask.FromResult(DecisionFactory.ForMutate(policy.Evaluate(request, EvaluationMode.MutateThenValidate)));
            }

            if (cluster is not LiveClusterState { Reservations: var reservations } || review.DryRun)
            {
                return ValueTask.FromResult(DecisionFactory.ForValidate(policy.Evaluate(request, EvaluationMode.Validate)));
            }

            // Check and reserve as one step per namespace: two requests that each fit but not together must not both pass.
            // The snapshot taken above is enough: it reads reservations from the ledger when quota is asked for.
            var ns = request.Namespace ?? "default";
            Verdict judged;
            lock (reservations.AdmissionLock(ns))
            {
                var verdict = policy.Evaluate(request, EvaluationMode.Validate);
                if (verdict.Allowed && verdict.Claims.Count > 0)
                {
                    var quotas = state.GetQuota(ns).Quotas;
                    reservations.Reserve(verdict.Claims, claim =>
                    {
                        var quota = quotas.First(q => q.Name == claim.Quota);
                        return quota.UsedOf(claim.Resource) + quota.ReservedOf(claim.Resource);
                    });
                }

                if (verdict.Allowed)
                {
                    AdmittedWorkloadRecorder.Record((LiveClusterState)cluster, review, state, ns);
                }

                judged = verdict;
            }

            if (!judged.Allowed)
            {
                // Queued, never awaited: the verdict does not wait on (or change with) the Events API.
                refusals?.Report(review, judged, state, ns);
            }

            return ValueTask.FromResult(DecisionFactory.ForValidate(judged));
        }
        catch (InvalidObjectException ex)
        {
            return ValueTask.FromResult(AdmissionDecision.Deny(ex.Message, 400));
        }
    };
}
