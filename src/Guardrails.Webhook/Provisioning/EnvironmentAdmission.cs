using System.Text.Json;
using Guardrails.Policies.Engine;
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

        // Only what an Environment asks for is judged. A metadata-only update (the controller adding its finalizer,
        // someone adding a label) of one that no longer passes — its team's budget lowered since — must go
        // through, or the controller could neither mark it Rejected nor ever clean it up.
        if (review.Operation == AdmissionOperation.Update
            && review.OldObject.ValueKind == JsonValueKind.Object
            && JsonElement.DeepEquals(review.OldObject.Child("spec"u8), review.Object.Child("spec"u8)))
        {
            return AdmissionDecision.Allow("the Environment's spec did not change");
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
