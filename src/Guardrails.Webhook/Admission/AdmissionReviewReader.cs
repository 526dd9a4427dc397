using System.Text.Json;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Resources;
using Guardrails.Webhook.Hosting;

namespace Guardrails.Webhook.Admission;

public static class AdmissionReviewReader
{
    public const string ApiVersion = "admission.k8s.io/v1";

    /// <summary>Deeper than any real Kubernetes object; bounds the parser's work on hostile input.</summary>
    public const int MaxDepth = 128;

    /// <exception cref="AdmissionReviewException">The bytes are not a usable AdmissionReview; the message says why.</exception>
    public static AdmissionReview Read(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            throw new AdmissionReviewException("request body is empty; expected an admission.k8s.io/v1 AdmissionReview");
        }

        // JsonDocument accepts invalid UTF-8 inside strings and fails only when they are read; refuse it here instead.
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            throw new AdmissionReviewException("request body is not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            throw new AdmissionReviewException($"request body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}): {FirstSentence(ex.Message)}");
        }

        try
        {
            return Interpret(document.RootElement, document);
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The same checks for an AdmissionReview that arrives as one document among others (the dry-run door,
    /// <c>guardrails check</c>), so every door refuses the same reviews with the same words.
    /// </summary>
    /// <exception cref="AdmissionReviewException">The document is not a usable AdmissionReview; the message says why.</exception>
    public static AdmissionReview Read(JsonElement root) => Interpret(root, null);

    private static AdmissionReview Interpret(JsonElement root, JsonDocument? document)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new AdmissionReviewException("request body must be a JSON object (an AdmissionReview)");
        }

        var apiVersion = root.Child("apiVersion"u8).AsString();
        var kind = root.Child("kind"u8).AsString();
        if (kind != "AdmissionReview")
        {
            throw new AdmissionReviewException($"kind must be AdmissionReview, not {Quote(kind)}");
        }

        if (apiVersion != ApiVersion)
        {
            throw new AdmissionReviewException($"apiVersion must be {ApiVersion}, not {Quote(apiVersion)}; register the webhook with admissionReviewVersions: [\"v1\"]");
        }

        var request = root.Child("request"u8);
        if (request.ValueKind != JsonValueKind.Object)
        {
            throw new AdmissionReviewException("AdmissionReview has no request object");
        }

        var uidElement = request.Child("uid"u8);
        var uid = uidElement.AsString();
        if (uidElement.ValueKind is not JsonValueKind.String and not JsonValueKind.Undefined and not JsonValueKind.Null)
        {
            throw new AdmissionReviewException($"request.uid must be a string, not {uidElement.ValueKind.ToString().ToLowerInvariant()}; the response must echo it");
        }

        if (string.IsNullOrEmpty(uid))
        {
            throw new AdmissionReviewException("request.uid is missing; the response must echo it");
        }

        var gvk = request.Child("kind"u8);
        var objectKind = gvk.Child("kind"u8).AsString();
        if (string.IsNullOrEmpty(objectKind))
        {
            throw new AdmissionReviewException("request.kind.kind is missing");
        }

        var operationText = request.Child("operation"u8).AsString();
        var operation = AdmissionOperations.Parse(operationText)
            ?? throw new AdmissionReviewException($"request.operation must be CREATE, UPDATE, DELETE or CONNECT, not {Quote(operationText)}");

        var obj = request.Child("object"u8);
        var oldObj = request.Child("oldObject"u8);
        if (operation is AdmissionOperation.Create or AdmissionOperation.Update && obj.ValueKind != JsonValueKind.Object)
        {
            throw new AdmissionReviewException($"request.object must be an object for {operation.ToString().ToUpperInvariant()}");
        }

        return new AdmissionReview(
            document,
            uid,
            gvk.Child("group"u8).AsString() ?? "",
            gvk.Child("version"u8).AsString() ?? "",
            objectKind,
            request.Child("resource"u8).Child("resource"u8).AsString() ?? "",
            NullIfEmpty(request.Child("subResource"u8).AsString()),
            NullIfEmpty(request.Child("name"u8).AsString()),
            NullIfEmpty(request.Child("namespace"u8).AsString()),
            operation,
            request.Child("userInfo"u8).Child("username"u8).AsString(),
            request.Child("dryRun"u8).AsBool() ?? false,
            obj.ValueKind == JsonValueKind.Object ? obj : default,
            oldObj.ValueKind == JsonValueKind.Object ? oldObj : default)
        {
            UserGroups = request.Child("userInfo"u8).Child("groups"u8) is { ValueKind: JsonValueKind.Array } groups
                ? [.. groups.EnumerateArray().Select(g => g.AsString()).OfType<string>()]
                : [],
        };
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>Echoes what was sent, cut short: a refusal must stay small whatever the request held.</summary>
    private static string Quote(string? value) => value is null ? "(missing)" : $"'{TextLimit.Cut(value, 100)}'";

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
