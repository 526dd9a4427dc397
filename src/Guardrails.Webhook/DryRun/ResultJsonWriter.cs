using System.Text.Json;
using Guardrails.Policies.Engine;

namespace Guardrails.Webhook.DryRun;

/// <summary>The stable JSON shape of dry-run results, shared by <c>check --output json</c> and <c>POST /api/v1/evaluate</c>.</summary>
public static class ResultJsonWriter
{
    /// <summary>Messages are read by people: keep quotes and apostrophes as they are (the payload is JSON, never HTML).</summary>
    public static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonWriterOptions IndentedOptions = Options with { Indented = true };

    public static void Write(Utf8JsonWriter writer, IReadOnlyList<ObjectResult> results)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("results"u8);
        foreach (var result in results)
        {
            WriteResult(writer, result);
        }

        writer.WriteEndArray();
        writer.WriteStartObject("summary"u8);
        writer.WriteNumber("objects"u8, results.Count);
        foreach (var outcome in new[] { "allowed", "denied", "skipped", "invalid" })
        {
            writer.WriteNumber(outcome, results.Count(r => r.Outcome == outcome));
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static void WriteResult(Utf8JsonWriter writer, ObjectResult result)
    {
        writer.WriteStartObject();
        writer.WriteString("source"u8, result.Source);
        writer.WriteNumber("document"u8, result.Document);
        writer.WriteString("kind"u8, result.Kind);
        writer.WriteString("namespace"u8, result.Namespace);
        writer.WriteString("name"u8, result.Name);
        writer.WriteString("verdict"u8, result.Outcome);
        if (result.Error is not null)
        {
            writer.WriteString("error"u8, result.Error);
        }

        if (result.Verdict is { } verdict)
        {
            if (verdict.SkippedBecause is not null)
            {
                writer.WriteString("skippedBecause"u8, verdict.SkippedBecause);
            }

            WriteViolations(writer, verdict);
            writer.WritePropertyName("patch"u8);
            verdict.Patch.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    public static void WriteViolations(Utf8JsonWriter writer, Verdict verdict)
    {
        writer.WriteStartArray("violations"u8);
        foreach (var violation in verdict.Violations)
        {
            writer.WriteStartObject();
            writer.WriteString("rule"u8, violation.RuleId);
            writer.WriteString("path"u8, violation.Path);
            writer.WriteString("actual"u8, violation.Actual);
            writer.WriteString("message"u8, violation.Message);
            writer.WriteString("fix"u8, violation.Fix);
            writer.WriteString("mode"u8, violation.Mode.ToString());
            writer.WriteString("pack"u8, violation.Pack);
            if (violation.PreExisting)
            {
                writer.WriteBoolean("preExisting"u8, true);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("warnings"u8);
        foreach (var warning in verdict.Warnings)
        {
            writer.WriteStringValue(warning.ToString());
        }

        writer.WriteEndArray();
    }
}
