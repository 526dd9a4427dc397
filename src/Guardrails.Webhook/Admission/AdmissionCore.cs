using Guardrails.Policies.Engine;
using Guardrails.Policies.Resources;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Hosting;

namespace Guardrails.Webhook.Admission;

/// <summary>The decision itself: the current compiled policy applied to the review, with subresources handled on purpose.</summary>
public static class AdmissionCore
{
    public static AdmissionHandler Create(PolicyStore policies, IClusterStateSource cluster) => call =>
    {
        var review = call.Review;
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
            case "scale":
                return ValueTask.FromResult(AdmissionDecision.Allow(
                    "scale not checked",
                    warnings: ["Guardrails: replica changes through the scale subresource are not checked against ResourceQuota (no template cache); use kubectl apply to have quota-fits judge them"]));
            default:
                return ValueTask.FromResult(AdmissionDecision.Allow($"subresource {review.SubResource} is not checked"));
        }

        var request = new EvaluationRequest
        {
            Group = review.Group,
            Kind = review.Kind,
            Operation = review.Operation,
            Namespace = review.Namespace,
            Name = review.Name,
            SubResource = review.SubResource,
            Object = review.Object,
            OldObject = review.OldObject,
            Cluster = cluster.Current,
        };

        try
        {
            return ValueTask.FromResult(call.Operation == AdmissionOperationKind.Validate
                ? DecisionFactory.ForValidate(policy.Evaluate(request, EvaluationMode.Validate))
                : DecisionFactory.ForMutate(policy.Evaluate(request, EvaluationMode.MutateThenValidate)));
        }
        catch (InvalidObjectException ex)
        {
            return ValueTask.FromResult(AdmissionDecision.Deny(ex.Message, 400));
        }
    };
}
