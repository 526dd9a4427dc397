using System.Buffers;
using System.Text.Json;

namespace Guardrails.Webhook.Admission;

/// <summary>Writes the AdmissionReview response the apiserver expects, echoing the request's uid.</summary>
public static class AdmissionResponseWriter
{
    public static byte[] Write(string uid, AdmissionDecision decision)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, DryRun.ResultJsonWriter.Options))
        {
            writer.WriteStartObject();
            writer.WriteString("apiVersion"u8, AdmissionReviewReader.ApiVersion);
            writer.WriteString("kind"u8, "AdmissionReview");
            writer.WriteStartObject("response"u8);
            writer.WriteString("uid"u8, uid);
            writer.WriteBoolean("allowed"u8, decision.Allowed);
            if (!decision.Allowed || decision.Message is not null)
            {
                writer.WriteStartObject("status"u8);
                writer.WriteNumber("code"u8, decision.Code);
                if (decision.Message is not null)
                {
                    writer.WriteString("message"u8, decision.Message);
                }

                if (!decision.Allowed)
                {
                    writer.WriteString("reason"u8, decision.Code switch { 400 => "BadRequest", 503 => "ServiceUnavailable", 504 => "Timeout", _ => "Forbidden" });
                }

                writer.WriteEndObject();
            }

            if (decision.Warnings.Count > 0)
            {
                writer.WriteStartArray("warnings"u8);
                foreach (var warning in decision.Warnings)
                {
                    writer.WriteStringValue(warning);
                }

                writer.WriteEndArray();
            }

            if (decision.AuditAnnotations.Count > 0)
            {
                writer.WriteStartObject("auditAnnotations"u8);
                foreach (var (key, value) in decision.AuditAnnotations)
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
            }

            if (decision.Patch is { IsEmpty: false } patch)
            {
                writer.WriteString("patchType"u8, "JSONPatch");
                writer.WriteBase64String("patch"u8, patch.ToUtf8Bytes());
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
