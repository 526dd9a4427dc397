using System.Text.Json;
using Guardrails.Policies.Engine;
using Guardrails.Webhook.Hosting;

namespace Guardrails.Webhook.DryRun;

/// <summary>
/// The stable JSON shape of dry-run results, shared by <c>check --output json</c> and <c>POST /api/v1/evaluate</c>.
/// With a byte budget (the HTTP door) text from the request is cut short, and once the budget is spent results and
/// violations are counted (<c>omittedResults</c>, <c>omittedViolations</c>) instead of written; the summary always
/// counts everything. Without one (<c>check</c>, offline) everything is written in full.
/// </summary>
public static class ResultJsonWriter
{
    /// <summary>Messages are read by people: keep quotes and apostrophes as they are (the payload is JSON, never HTML).</summary>
    public static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonWriterOptions IndentedOptions = Options with { Indented = true };

    private static readonly string[] Outcomes = ["allowed", "denied", "skipped", "invalid"];

    public static void Write(Utf8JsonWriter writer, IReadOnlyList<ObjectResult> results, long? budgetBytes = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(results);
        var budget = new ResultBudget(writer, budgetBytes);
        writer.WriteStartObject();
        writer.WriteStartArray("results"u8);
        var omitted = 0;
        foreach (var result in results)
        {
            if (budget.Spent)
            {
                omitted++;
                continue;
            }

            WriteResult(writer, result, budget);
        }

        writer.WriteEndArray();
        if (omitted > 0)
        {
            writer.WriteNumber("omittedResults"u8, omitted);
            writer.WriteString("omittedBecause"u8, $"the answer is limited to {ResponseLimits.MaxResponseBytes / 1024} KiB; send fewer documents per request, or use guardrails check, which lists everything");
        }

        writer.WriteStartObject("summary"u8);
        writer.WriteNumber("objects"u8, results.Count);
        var counts = new int[Outcomes.Length];
        foreach (var result in results)
        {
            counts[Array.IndexOf(Outcomes, result.Outcome)]++;
        }

        for (var i = 0; i < Outcomes.Length; i++)
        {
            writer.WriteNumber(Outcomes[i], counts[i]);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter writer, ObjectResult result, ResultBudget budget)
    {
        writer.WriteStartObject();
        writer.WriteString("source"u8, budget.Value(result.Source));
        writer.WriteNumber("document"u8, result.Document);
        writer.WriteString("kind"u8, budget.ValueOrNull(result.Kind));
        writer.WriteString("namespace"u8, budget.ValueOrNull(result.Namespace));
        writer.WriteString("name"u8, budget.ValueOrNull(result.Name));
        writer.WriteString("verdict"u8, result.Outcome);
        if (result.Error is not null)
        {
            writer.WriteString("error"u8, budget.Message(result.Error));
        }

        if (result.Verdict is { } verdict)
        {
            if (verdict.SkippedBecause is not null)
            {
                writer.WriteString("skippedBecause"u8, budget.Message(verdict.SkippedBecause));
            }

            WriteViolations(writer, verdict, budget);
            WritePatch(writer, verdict, budget);
        }

        writer.WriteEndObject();
    }

    private static void WriteViolations(Utf8JsonWriter writer, Verdict verdict, ResultBudget budget)
    {
        writer.WriteStartArray("violations"u8);
        var omitted = 0;
        foreach (var violation in verdict.Violations)
        {
            if (budget.Spent)
            {
                omitted++;
                continue;
            }

            writer.WriteStartObject();
            writer.WriteString("rule"u8, violation.RuleId);
            writer.WriteString("path"u8, budget.Value(violation.Path));
            writer.WriteString("actual"u8, budget.Value(violation.Actual));
            writer.WriteString("message"u8, budget.Message(violation.Message));
            writer.WriteString("fix"u8, budget.Message(violation.Fix));
            writer.WriteString("mode"u8, violation.Mode.ToString());
            writer.WriteString("pack"u8, violation.Pack);
            if (violation.PreExisting)
            {
                writer.WriteBoolean("preExisting"u8, true);
            }

            if (violation.CoveredBy is { } exception)
            {
                writer.WriteStartObject("exception"u8);
                writer.WriteString("name"u8, exception.DisplayName);
                writer.WriteString("requestedBy"u8, exception.RequestedBy);
                writer.WriteString("reason"u8, budget.Message(exception.Reason ?? ""));
                writer.WriteString("expires"u8, exception.Expires);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (omitted > 0)
        {
            writer.WriteNumber("omittedViolations"u8, omitted);
        }

        writer.WriteStartArray("warnings"u8);
        var omittedWarnings = 0;
        foreach (var warning in verdict.Warnings)
        {
            if (budget.Spent)
            {
                omittedWarnings++;
                continue;
            }

            writer.WriteStringValue(budget.Message(warning.ToString()));
        }

        writer.WriteEndArray();
        if (omittedWarnings > 0)
        {
            writer.WriteNumber("omittedWarnings"u8, omittedWarnings);
        }
    }

    private static void WritePatch(Utf8JsonWriter writer, Verdict verdict, ResultBudget budget)
    {
        if (budget.Limited && !verdict.Patch.IsEmpty && verdict.Patch.ToUtf8Bytes() is { } bytes && !budget.Fits(bytes.Length))
        {
            writer.WriteNull("patch"u8);
            writer.WriteNumber("omittedPatchBytes"u8, bytes.Length);
            return;
        }

        writer.WritePropertyName("patch"u8);
        verdict.Patch.WriteTo(writer);
    }
}
