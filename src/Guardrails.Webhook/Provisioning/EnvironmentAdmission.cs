using Guardrails.Policies.Resources;
using Guardrails.Webhook.Admission;

namespace Guardrails.Webhook.Provisioning;

/// <summary>Admission of Environment objects: the controller's own pre-check, so a bad request fails at <c>kubectl apply</c>.</summary>
public static class EnvironmentAdmission
{
    public static AdmissionDecision Decide(AdmissionReview review, EnvironmentPreCheckService preCheck)
    {
        // An Environment being deleted only loses its finalizer from here on: refusing that would make it undeletable.
        if (review.Object.Child("metadata"u8).Child("deletionTimestamp"u8).IsPresent())
        {
            return AdmissionDecision.Allow("Environment is being deleted");
        }

        var parsed = EnvironmentRequest.FromObject(review.Object);
        if (parsed.Request is not { } request)
        {
            return AdmissionDecision.Deny("Guardrails refused the Environment: " + string.Join("; ", parsed.Errors));
        }

        var name = review.Name ?? review.Object.Child("metadata"u8).Child("name"u8).AsString() ?? request.Namespace;
        if (preCheck.PreCheck(request, name) is not { } check)
        {
            return AdmissionDecision.Allow(warnings: ["Guardrails: the Environment was not pre-checked (no platform settings or rule packs loaded); the controller checks it before applying"]);
        }

        if (check.Passed)
        {
            return AdmissionDecision.Allow(warnings: [.. check.Warnings.Select(w => $"Guardrails: {w}")]);
        }

        var reasons = check.Reasons.Select(r => $"\n- {r}");
        return AdmissionDecision.Deny($"Guardrails refused Environment {name}: {check.Reasons.Count} reason(s){string.Concat(reasons)}");
    }
}
