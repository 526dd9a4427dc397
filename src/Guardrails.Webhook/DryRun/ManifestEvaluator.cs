using System.Text.Json;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Exceptions;
using Guardrails.Policies.Resources;
using Guardrails.Policies.State;
using Guardrails.Webhook.Admission;

namespace Guardrails.Webhook.DryRun;

/// <summary>Judges YAML/JSON documents exactly as admission would (mutate, then validate) — the dry-run door and <c>guardrails check</c>.</summary>
public static class ManifestEvaluator
{
    /// <param name="namespaceOverride">
    /// <c>-n</c> / <c>?namespace=</c>: the namespace of objects that name none. An object naming another one is
    /// invalid, as with <c>kubectl apply -n</c>; it is never moved.
    /// </param>
    /// <param name="previous">Current versions of the objects (<c>check --old</c>): a document that has one is judged as an UPDATE from it.</param>
    /// <param name="format">How the text is written (the Content-Type or the file's extension says); sniffed when nothing does.</param>
    /// <param name="exceptions">PolicyExceptions to honour (a file, the request body, the live cache), judged at <paramref name="now"/>.</param>
    public static IReadOnlyList<ObjectResult> Evaluate(CompiledPolicy policy, string source, string text, IClusterSnapshot cluster, string? namespaceOverride = null, PreviousObjects? previous = null, ManifestFormat format = ManifestFormat.Sniff, ExceptionIndex? exceptions = null, DateTimeOffset? now = null)
    {
        var context = new Context(cluster, exceptions ?? ExceptionIndex.Empty, now);
        var results = new List<ObjectResult>();
        var manifests = ManifestReader.Read(text, format);
        try
        {
            foreach (var manifest in manifests)
            {
                results.Add(EvaluateOne(policy, source, manifest, context, namespaceOverride, previous ?? PreviousObjects.None));
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

    private sealed record Context(IClusterSnapshot Cluster, ExceptionIndex Exceptions, DateTimeOffset? Now);

    private static ObjectResult EvaluateOne(CompiledPolicy policy, string source, Manifest manifest, Context context, string? namespaceOverride, PreviousObjects previous)
    {
        if (manifest.Error is not null)
        {
            return new ObjectResult(source, manifest.Number, null, null, null, null, manifest.Error);
        }

        if (string.IsNullOrEmpty(manifest.Kind) || string.IsNullOrEmpty(manifest.ApiVersion))
        {
            return new ObjectResult(source, manifest.Number, manifest.Kind, manifest.Namespace, manifest.Name, null, "object has no apiVersion or kind");
        }

        if (manifest.Kind == "AdmissionReview")
        {
            return EvaluateReview(policy, source, manifest, context);
        }

        if (namespaceOverride is { Length: > 0 } && manifest.Namespace is { Length: > 0 } own && own != namespaceOverride)
        {
            return new ObjectResult(
                source,
                manifest.Number,
                manifest.Kind,
                own,
                manifest.Name,
                null,
                $"metadata.namespace '{own}' does not match the namespace '{namespaceOverride}' asked for; give that namespace or remove it from the object");
        }

        var request = AsUpdateFrom(previous, new EvaluationRequest
        {
            Group = manifest.Group,
            Kind = manifest.Kind,
            Namespace = manifest.Namespace is { Length: > 0 } ns ? ns : namespaceOverride is { Length: > 0 } given ? given : "default",
            Name = manifest.Name,
            Object = manifest.Root,
            Cluster = context.Cluster,
            Exceptions = context.Exceptions,
            Now = context.Now,
        });
        return Judge(policy, source, manifest.Number, request);
    }

    private static ObjectResult Judge(CompiledPolicy policy, string source, int document, EvaluationRequest request)
    {
        try
        {
            var verdict = policy.Evaluate(request, EvaluationMode.MutateThenValidate);
            return new ObjectResult(source, document, request.Kind, verdict.Namespace, verdict.Name, verdict, null);
        }
        catch (InvalidObjectException ex)
        {
            return new ObjectResult(source, document, request.Kind, request.Namespace, request.Name, null, ex.Message);
        }
    }

    private static EvaluationRequest AsUpdateFrom(PreviousObjects previous, EvaluationRequest request) =>
        previous.Find(request.Group, request.Kind, request.Namespace!, request.Name) is { ValueKind: JsonValueKind.Object } old
            ? request with { Operation = AdmissionOperation.Update, OldObject = old }
            : request;

    /// <summary>
    /// An AdmissionReview (as recorded from an apiserver) is read by the webhook's own reader, so it is refused for the
    /// same reasons with the same words, and judged as the webhook would judge it.
    /// </summary>
    private static ObjectResult EvaluateReview(CompiledPolicy policy, string source, Manifest manifest, Context context)
    {
        AdmissionReview review;
        try
        {
            review = AdmissionReviewReader.Read(manifest.Root);
        }
        catch (AdmissionReviewException ex)
        {
            return new ObjectResult(source, manifest.Number, manifest.Kind, null, null, null, ex.Message);
        }

        using (review)
        {
            return Judge(policy, source, manifest.Number, review.ToEvaluationRequest(context.Cluster, context.Exceptions, context.Now));
        }
    }
}
