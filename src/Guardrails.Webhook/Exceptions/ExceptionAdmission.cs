using System.Text.Json;
using System.Text.Json.Nodes;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Exceptions;
using Guardrails.Policies.Patching;
using Guardrails.Policies.Resources;
using Guardrails.Policies.State;
using Guardrails.Webhook.Admission;

namespace Guardrails.Webhook.Exceptions;

/// <summary>
/// Admission of PolicyException objects. <c>/mutate</c> records who asked and who approved from the request's
/// userInfo, overwriting whatever was written there; <c>/validate</c> refuses any record that does not match who
/// sent the request, an approval by someone RBAC does not let <c>approve</c>, and an exception beyond the pack's
/// bounds — with every reason at once and what is allowed.
/// </summary>
public static class ExceptionAdmission
{
    public static bool Handles(AdmissionReview review) =>
        review is { Group: PolicyException.Group, Kind: PolicyException.KindName, SubResource: null, Operation: AdmissionOperation.Create or AdmissionOperation.Update };

    public static AdmissionDecision Mutate(AdmissionReview review)
    {
        ArgumentNullException.ThrowIfNull(review);
        var user = review.UserName ?? "";
        var annotations = Annotations(review.Object);
        var old = Annotations(review.OldObject);
        var isUpdate = review.Operation == AdmissionOperation.Update;

        annotations[ExceptionAnnotations.RequestedBy] = isUpdate && old.TryGetValue(ExceptionAnnotations.RequestedBy, out var requester) ? requester : user;
        if (annotations.Remove(ExceptionAnnotations.Approve, out var approve) && approve != "false")
        {
            annotations[ExceptionAnnotations.ApprovedBy] = user;
        }
        else if (isUpdate && old.TryGetValue(ExceptionAnnotations.ApprovedBy, out var approver) && SameSpec(review))
        {
            annotations[ExceptionAnnotations.ApprovedBy] = approver;
        }
        else
        {
            // A changed spec is a new request: an approval given for the old one does not carry over.
            annotations.Remove(ExceptionAnnotations.ApprovedBy);
        }

        var written = new JsonObject();
        foreach (var (key, value) in annotations)
        {
            written[key] = value;
        }

        var patch = new JsonPatch([PatchOperation.Add("/metadata/annotations", written)]);
        return new AdmissionDecision(true, 200, null, [], new Dictionary<string, string>(), patch, null);
    }

    public static async ValueTask<AdmissionDecision> ValidateAsync(AdmissionReview review, CompiledPolicy? policy, IClusterSnapshot cluster, IApprovalCheck approvals, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(review);
        ArgumentNullException.ThrowIfNull(approvals);
        if (review.Object.Child("metadata"u8).Child("deletionTimestamp"u8).IsPresent())
        {
            return AdmissionDecision.Allow("PolicyException is being deleted");
        }

        var user = review.UserName ?? "";
        var ns = review.Namespace ?? review.Object.Child("metadata"u8).Child("namespace"u8).AsString() ?? "default";
        var annotations = Annotations(review.Object);
        var old = Annotations(review.OldObject);
        var isUpdate = review.Operation == AdmissionOperation.Update;
        var reasons = new List<string>();

        // Identity first: these are never waived, whatever the bounds say.
        var expectedRequester = isUpdate && old.TryGetValue(ExceptionAnnotations.RequestedBy, out var was) ? was : user;
        var requester = annotations.GetValueOrDefault(ExceptionAnnotations.RequestedBy);
        if (requester != expectedRequester)
        {
            reasons.Add(isUpdate
                ? $"metadata.annotations[{ExceptionAnnotations.RequestedBy}] cannot change: it records who asked ({expectedRequester}), not '{requester ?? "(removed)"}'"
                : $"metadata.annotations[{ExceptionAnnotations.RequestedBy}] must be the requester Guardrails saw ({user}), not '{requester ?? "(missing)"}': Guardrails' mutating webhook records it");
        }

        if (annotations.ContainsKey(ExceptionAnnotations.Approve))
        {
            reasons.Add($"metadata.annotations[{ExceptionAnnotations.Approve}] is turned into {ExceptionAnnotations.ApprovedBy} by Guardrails' mutating webhook, which did not run");
        }

        var approver = annotations.GetValueOrDefault(ExceptionAnnotations.ApprovedBy);
        var oldApprover = old.GetValueOrDefault(ExceptionAnnotations.ApprovedBy);
        var newlyApproved = approver is not null && (!isUpdate || approver != oldApprover);
        if (newlyApproved && approver != user)
        {
            reasons.Add($"metadata.annotations[{ExceptionAnnotations.ApprovedBy}] must be the approver Guardrails saw ({user}), not '{approver}': approve with the annotation {ExceptionAnnotations.Approve}=true");
        }
        else if (newlyApproved && await approvals.RefusalAsync(user, review.UserGroups, ns, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            reasons.Add($"approval refused: {refused}");
        }
        else if (isUpdate && approver is not null && approver == oldApprover && !SameSpec(review))
        {
            reasons.Add($"the spec of an exception approved by {approver} cannot change while the approval stays: remove {ExceptionAnnotations.ApprovedBy} (Guardrails' mutating webhook does) and ask again");
        }

        if (reasons.Count > 0)
        {
            return Refuse(review, ns, reasons, allowed: null);
        }

        var errors = new List<string>();
        var exception = PolicyExceptionReader.Read(review.Object, ns, errors);
        if (exception is null)
        {
            return Refuse(review, ns, errors, allowed: null);
        }

        if (policy is null)
        {
            return AdmissionDecision.Deny("Guardrails has no valid rule packs loaded yet, so it cannot judge this exception", 503);
        }

        // Metadata-only updates (labels, an approval) of an exception whose spec was judged when it was written go
        // through even if the pack has narrowed since: the engine judges it again, at every request, anyway.
        var judgement = ExceptionJudge.Judge(exception, policy.ExceptionBoundsFor(exception.Rule), cluster.GetNamespace(ns)?.Labels, now);
        if (isUpdate && SameSpec(review) && !newlyApproved)
        {
            return AdmissionDecision.Allow(warnings: [Describe(exception, judgement)]);
        }

        switch (judgement.State)
        {
            case ExceptionState.Rejected:
                return Refuse(review, ns, judgement.Reasons, judgement.Allowed);
            case ExceptionState.Expired:
                return Refuse(review, ns, [$"spec.expires {exception.Expires.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} has already passed"], judgement.Allowed);
            default:
                return AdmissionDecision.Allow(warnings: [Describe(exception, judgement)]);
        }
    }

    private static string Describe(PolicyException exception, ExceptionJudgement judgement) => judgement.State switch
    {
        ExceptionState.Active => $"Guardrails: PolicyException {exception.DisplayName} is active: rule {exception.Rule} is waived for {exception.Target} until {exception.Expires.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}",
        ExceptionState.PendingApproval => $"Guardrails: PolicyException {exception.DisplayName} covers nothing until approved ({string.Join("; ", judgement.Reasons)}): someone allowed to approve runs kubectl annotate -n {exception.Namespace} policyexception {exception.Name} {ExceptionAnnotations.Approve}=true",
        _ => $"Guardrails: PolicyException {exception.DisplayName} covers nothing: {judgement.State} ({string.Join("; ", judgement.Reasons)})",
    };

    private static AdmissionDecision Refuse(AdmissionReview review, string ns, IReadOnlyList<string> reasons, string? allowed)
    {
        var name = review.Name ?? review.Object.Child("metadata"u8).Child("name"u8).AsString() ?? "(unnamed)";
        var text = $"Guardrails refused PolicyException {ns}/{name}: {reasons.Count} reason(s){string.Concat(reasons.Select(r => $"\n- {r}"))}";
        return AdmissionDecision.Deny(allowed is null ? text : $"{text}\nAllowed: {allowed}");
    }

    private static bool SameSpec(AdmissionReview review) =>
        review.OldObject.ValueKind == JsonValueKind.Object && JsonElement.DeepEquals(review.OldObject.Child("spec"u8), review.Object.Child("spec"u8));

    private static Dictionary<string, string> Annotations(JsonElement obj)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj.Child("metadata"u8).Child("annotations"u8) is { ValueKind: JsonValueKind.Object } annotations)
        {
            foreach (var annotation in annotations.EnumerateObject())
            {
                result[annotation.Name] = annotation.Value.AsString() ?? annotation.Value.Display();
            }
        }

        return result;
    }
}
