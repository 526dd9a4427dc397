using System.Buffers;
using System.Text.Json;
using Guardrails.Policies.Engine;
using Guardrails.Webhook.Hosting;

namespace Guardrails.Webhook.Admission;

/// <summary>Writes the AdmissionReview response the apiserver expects, echoing the request's uid.</summary>
public static class AdmissionResponseWriter
{
    // Reused per thread, as the endpoint's own buffer is: Utf8JsonWriter asks for room for the worst-case escaping of a
    // string (18 bytes a character), so a fresh buffer would grow to ~5 KB for one 300-character warning every call.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _scratch;

    // A warning line is formatted here (at most the longest line sent whole) rather than built as a string.
    [ThreadStatic]
    private static char[]? _line;

    /// <summary>The response as bytes; only the answer itself is allocated.</summary>
    public static byte[] Write(string uid, AdmissionDecision decision)
    {
        var buffer = _scratch ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        Write(buffer, uid, decision);
        var bytes = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 1024 * 1024)
        {
            // One huge response must not pin a megabyte per thread forever.
            _scratch = null;
        }

        return bytes;
    }

    /// <summary>Writes into any buffer writer, such as the response pipe, so nothing is copied on the way out.</summary>
    public static void Write(IBufferWriter<byte> output, string uid, AdmissionDecision decision)
    {
        using var writer = new Utf8JsonWriter(output, DryRun.ResultJsonWriter.Options);
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
                writer.WriteString("message"u8, TextLimit.Cut(decision.Message, ResponseLimits.MaxMessageChars * 4));
            }
            else if (decision.Verdict is { Allowed: false } verdict)
            {
                writer.WritePropertyName("message"u8);
                WriteDenialMessage(writer, verdict);
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
            var shown = decision.Warnings.Count <= ResponseLimits.MaxWarnings ? decision.Warnings.Count : ResponseLimits.MaxWarnings - 1;
            WriteWarnings(writer, decision.Warnings, shown);

            if (shown < decision.Warnings.Count)
            {
                writer.WriteStringValue($"Guardrails: and {decision.Warnings.Count - shown} more warnings (guardrails check or the dry-run API lists them)");
            }

            writer.WriteEndArray();
        }

        if (decision.AuditAnnotations.Count > 0)
        {
            writer.WriteStartObject("auditAnnotations"u8);
            foreach (var (key, value) in decision.AuditAnnotations)
            {
                writer.WriteString(key, TextLimit.Cut(value, ResponseLimits.MaxMessageChars * 4));
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

    /// <summary>
    /// A verdict's warning lines are formatted into a per-thread buffer and written from there, never built as strings;
    /// a line longer than <see cref="ResponseLimits.MaxMessageChars"/> (or any other list) is cut from its string as before.
    /// </summary>
    private static void WriteWarnings(Utf8JsonWriter writer, IReadOnlyList<string> warnings, int shown)
    {
        var lines = warnings as ViolationWarnings;
        var line = lines is null ? default : (_line ??= new char[ResponseLimits.MaxMessageChars]).AsSpan();
        for (var i = 0; i < shown; i++)
        {
            if (lines is not null && lines.TryFormat(i, line, out var written))
            {
                writer.WriteStringValue(line[..written]);
            }
            else
            {
                writer.WriteStringValue(TextLimit.Cut(warnings[i], ResponseLimits.MaxMessageChars));
            }
        }
    }

    /// <summary>
    /// "Guardrails denied Kind ns/name: N violations" then one line per Enforce violation, in the format of
    /// <see cref="Violation.ToString"/>; written as string segments so the message is never built in memory.
    /// </summary>
    private static void WriteDenialMessage(Utf8JsonWriter writer, Verdict verdict)
    {
        var count = 0;
        foreach (var violation in verdict.Violations)
        {
            count += violation.Mode == EnforcementMode.Enforce ? 1 : 0;
        }

        Segment(writer, "Guardrails denied ");
        Segment(writer, TextLimit.Cut(verdict.DisplayName, ResponseLimits.MaxValueChars * 2));
        Segment(writer, ": ");
        Span<char> digits = stackalloc char[11];
        count.TryFormat(digits, out var written, provider: System.Globalization.CultureInfo.InvariantCulture);
        Segment(writer, digits[..written]);
        Segment(writer, count == 1 ? " violation" : " violations");
        var listed = 0;
        foreach (var violation in verdict.Violations)
        {
            if (violation.Mode != EnforcementMode.Enforce)
            {
                continue;
            }

            if (listed == ResponseLimits.MaxViolationsInMessage)
            {
                break;
            }

            listed++;
            Segment(writer, "\n- [");
            Segment(writer, violation.RuleId);
            Segment(writer, "] ");
            Segment(writer, Bounded(violation.Path, ResponseLimits.MaxValueChars));
            Segment(writer, " (");
            Segment(writer, Bounded(violation.Actual, ResponseLimits.MaxValueChars));
            Segment(writer, "): ");
            Segment(writer, Bounded(violation.Message, ResponseLimits.MaxMessageChars));
            Segment(writer, ". Fix: ");
            Segment(writer, Bounded(violation.Fix, ResponseLimits.MaxMessageChars));
        }

        if (listed < count)
        {
            // The webhook answers kubectl, whose user needs the first reasons and the count; the offline door has the rest.
            Segment(writer, "\n... and ");
            (count - listed).TryFormat(digits, out written, provider: System.Globalization.CultureInfo.InvariantCulture);
            Segment(writer, digits[..written]);
            Segment(writer, " more (guardrails check or the dry-run API /api/v1/evaluate lists them all)");
        }

        writer.WriteStringValueSegment(ReadOnlySpan<char>.Empty, isFinalSegment: true);
    }

    /// <summary>Allocates only for text over the limit, which no real object's violation reaches.</summary>
    private static string Bounded(string text, int max) => text.Length <= max ? text : TextLimit.Cut(text, max);

    private static void Segment(Utf8JsonWriter writer, ReadOnlySpan<char> text) => writer.WriteStringValueSegment(text, isFinalSegment: false);
}
