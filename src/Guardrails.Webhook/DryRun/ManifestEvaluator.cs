using System.Text.Json;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Resources;
using Guardrails.Policies.State;

namespace Guardrails.Webhook.DryRun;

/// <summary>Judges YAML/JSON documents exactly as admission would (mutate, then validate) — the dry-run door and <c>guardrails check</c>.</summary>
public static class ManifestEvaluator
{
    /// <param name="previous">Current versions of the objects (<c>check --old</c>): a document that has one is judged as an UPDATE from it.</param>
    public static IReadOnlyList<ObjectResult> Evaluate(CompiledPolicy policy, string source, string text, IClusterSnapshot cluster, string? namespaceOverride = null, PreviousObjects? previous = null)
    {
        var results = new List<ObjectResult>();
        var manifests = ManifestReader.Read(text);
        try
        {
            foreach (var manifest in manifests)
            {
                results.Add(EvaluateOne(policy, source, manifest, cluster, namespaceOverride, previous ?? PreviousObjects.None));
            }
        }
        finally
        {
            foreach (var manifest in manifests)
            {
                manifest.Dispose();
            }
        }

        return results;
    }

    private static ObjectResult EvaluateOne(CompiledPolicy policy, string source, Manifest manifest, IClusterSnapshot cluster, string? namespaceOverride, PreviousObjects previous)
    {
        if (manifest.Error is not null)
        {
            return new ObjectResult(source, manifest.Number, null, null, null, null, manifest.Error);
        }

        if (string.IsNullOrEmpty(manifest.Kind) || string.IsNullOrEmpty(manifest.ApiVersion))
        {
            return new ObjectResult(source, manifest.Number, manifest.Kind, manifest.Namespace, manifest.Name, null, "object has no apiVersion or kind");
        }

        var request = manifest.Kind == "AdmissionReview"
            ? FromAdmissionReview(manifest.Root, cluster)
            : AsUpdateFrom(previous, new EvaluationRequest
            {
                Group = manifest.Group,
                Kind = manifest.Kind,
                Namespace = namespaceOverride ?? manifest.Namespace ?? "default",
                Name = manifest.Name,
                Object = manifest.Root,
                Cluster = cluster,
            });
        if (request is null)
        {
            return new ObjectResult(source, manifest.Number, manifest.Kind, null, null, null, "AdmissionReview has no request.kind.kind, request.operation or request.object");
        }

        try
        {
            var verdict = policy.Evaluate(request, EvaluationMode.MutateThenValidate);
            return new ObjectResult(source, manifest.Number, request.Kind, verdict.Namespace, verdict.Name, verdict, null);
        }
        catch (InvalidObjectException ex)
        {
            return new ObjectResult(source, manifest.Number, request.Kind, request.Namespace, request.Name, null, ex.Message);
        }
    }

    private static EvaluationRequest AsUpdateFrom(PreviousObjects previous, EvaluationRequest request) =>
        previous.Find(request.Group, request.Kind, request.Namespace!, request.Name) is { ValueKind: JsonValueKind.Object } old
            ? request with { Operation = AdmissionOperation.Update, OldObject = old }
            : request;

    /// <summary>An AdmissionReview (as recorded from an apiserver) is judged as the webhook would judge it.</summary>
    private static EvaluationRequest? FromAdmissionReview(JsonElement review, IClusterSnapshot cluster)
    {
        var request = review.Child("request"u8);
        var kind = request.Child("kind"u8).Child("kind"u8).AsString();
        var operation = AdmissionOperations.Parse(request.Child("operation"u8).AsString());
        if (kind is null || operation is null)
        {
            return null;
        }

        var obj = request.Child("object"u8);
        var old = request.Child("oldObject"u8);
        return new EvaluationRequest
        {
            Group = request.Child("kind"u8).Child("group"u8).AsString() ?? "",
            Kind = kind,
            Operation = operation.Value,
            Namespace = request.Child("namespace"u8).AsString() is { Length: > 0 } ns ? ns : null,
            Name = request.Child("name"u8).AsString() is { Length: > 0 } name ? name : null,
            SubResource = request.Child("subResource"u8).AsString(),
            Object = obj.ValueKind == JsonValueKind.Object ? obj : default,
            OldObject = old.ValueKind == JsonValueKind.Object ? old : default,
            Cluster = cluster,
        };
    }
}
