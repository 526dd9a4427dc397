using Guardrails.Policies.Engine;
using Guardrails.Webhook.DryRun;

namespace Guardrails.Webhook.Cli;

/// <summary>Check results as a person reads them at a glance: one line per object, the reasons under the ones that need work.</summary>
internal static class TextReport
{
    public static void Write(TextWriter output, IReadOnlyList<ObjectResult> results)
    {
        foreach (var result in results)
        {
            var where = $"{result.Source}, document {result.Document}";
            var who = result.Kind is null ? "" : $"{result.Kind} {result.Namespace}/{result.Name} ";
            var label = result.Outcome switch
            {
                "denied" => "DENIED ",
                "allowed" => "allowed",
                "skipped" => "skipped",
                _ => "INVALID",
            };
            output.WriteLine($"{label}  {who}({where})");
            if (result.Error is not null)
            {
                output.WriteLine($"    error: {result.Error}");
                continue;
            }

            var verdict = result.Verdict!;
            if (verdict.SkippedBecause is not null)
            {
                output.WriteLine($"    {verdict.SkippedBecause}");
            }

            foreach (var violation in verdict.Violations)
            {
                var mode = violation.PreExisting ? " (pre-existing: warn)"
                    : violation.CoveredBy is { } exception ? $" (excepted by {exception.DisplayName} until {exception.Expires.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}: warn)"
                    : violation.Mode == EnforcementMode.Enforce ? ""
                    : $" ({violation.Mode.ToString().ToLowerInvariant()})";
                output.WriteLine($"    [{violation.RuleId}]{mode} {violation.Path} = {violation.Actual}");
                output.WriteLine($"        {violation.Message}");
                output.WriteLine($"        fix: {violation.Fix}");
            }

            if (!verdict.Patch.IsEmpty)
            {
                output.WriteLine($"    /mutate would apply: {verdict.Patch}");
            }
        }

        output.WriteLine(
            $"{results.Count} object(s): {Count(results, "allowed")} allowed, {Count(results, "denied")} denied, " +
            $"{Count(results, "skipped")} skipped, {Count(results, "invalid")} invalid");
    }

    private static int Count(IReadOnlyList<ObjectResult> results, string outcome) => results.Count(r => r.Outcome == outcome);
}
