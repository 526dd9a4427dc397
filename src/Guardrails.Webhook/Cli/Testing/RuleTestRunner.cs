using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Guardrails.Policies.Engine;
using Guardrails.Policies.State;
using Guardrails.Webhook.DryRun;

namespace Guardrails.Webhook.Cli.Testing;

/// <summary>
/// Runs a case through the dry-run door's own evaluator (mutate, then validate), so a suite sees exactly what
/// <c>check</c>, <c>/api/v1/evaluate</c> and admission answer. A case with an operation other than CREATE, or an
/// old object, is sent as the AdmissionReview the apiserver would send.
/// </summary>
public static class RuleTestRunner
{
    public static RuleTestResult Run(CompiledPolicy policy, RuleTestSuite suite, RuleTestCase testCase)
    {
        var started = Stopwatch.GetTimestamp();
        var differences = new List<string>();
        IClusterSnapshot cluster;
        try
        {
            cluster = ClusterFrom(testCase.Cluster);
        }
        catch (ClusterStateException ex)
        {
            return new RuleTestResult(suite, testCase, [$"cluster state is invalid: {ex.Message}"], Stopwatch.GetElapsedTime(started));
        }

        var result = ManifestEvaluator.Evaluate(policy, suite.File, Document(testCase), cluster, testCase.Namespace).Single();
        if (result.Outcome != testCase.Verdict)
        {
            differences.Add($"verdict: expected {testCase.Verdict}, got {result.Outcome}{Reasons(result)}");
        }

        var verdict = result.Verdict;
        if (testCase.Rules is { } expectedRules)
        {
            var expected = expectedRules.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var got = (verdict?.Violations.Select(v => v.RuleId) ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (!expected.SequenceEqual(got, StringComparer.Ordinal))
            {
                differences.Add($"rules: expected [{string.Join(", ", expected)}], got [{string.Join(", ", got)}]");
            }
        }

        if (testCase.Patch is { } expectedPatch)
        {
            var got = verdict is null ? new JsonArray() : JsonNode.Parse(verdict.Patch.ToUtf8Bytes()) ?? new JsonArray();
            if (!JsonNode.DeepEquals(expectedPatch, got))
            {
                differences.Add($"patch: expected {expectedPatch.ToJsonString()}, got {got.ToJsonString()}");
            }
        }

        return new RuleTestResult(suite, testCase, differences, Stopwatch.GetElapsedTime(started));
    }

    private static string Document(RuleTestCase testCase)
    {
        if (testCase.Operation == "CREATE" && testCase.OldObject is null)
        {
            return testCase.Object.ToJsonString();
        }

        var apiVersion = testCase.Object["apiVersion"]?.GetValue<string>() ?? "";
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var review = new JsonObject
        {
            ["apiVersion"] = "admission.k8s.io/v1",
            ["kind"] = "AdmissionReview",
            ["request"] = new JsonObject
            {
                ["uid"] = "guardrails-test",
                ["kind"] = new JsonObject
                {
                    ["group"] = slash < 0 ? "" : apiVersion[..slash],
                    ["version"] = slash < 0 ? apiVersion : apiVersion[(slash + 1)..],
                    ["kind"] = testCase.Object["kind"]?.DeepClone(),
                },
                ["name"] = testCase.Object["metadata"]?["name"]?.DeepClone(),
                ["namespace"] = testCase.Namespace ?? testCase.Object["metadata"]?["namespace"]?.DeepClone(),
                ["operation"] = testCase.Operation,
                ["object"] = testCase.Operation == "DELETE" ? null : testCase.Object.DeepClone(),
                ["oldObject"] = testCase.Operation == "DELETE" ? testCase.Object.DeepClone() : testCase.OldObject?.DeepClone(),
            },
        };
        return review.ToJsonString();
    }

    private static IClusterSnapshot ClusterFrom(IReadOnlyList<JsonNode> objects)
    {
        if (objects.Count == 0)
        {
            return ClusterSnapshot.Empty;
        }

        var documents = objects.Select(o => JsonDocument.Parse(o.ToJsonString())).ToList();
        try
        {
            return ClusterSnapshot.FromObjects(documents.Select(d => d.RootElement));
        }
        finally
        {
            foreach (var document in documents)
            {
                document.Dispose();
            }
        }
    }

    private static string Reasons(ObjectResult result)
    {
        if (result.Error is not null)
        {
            return $" ({result.Error})";
        }

        var violations = result.Verdict!.Violations;
        return violations.Count == 0
            ? result.Verdict.SkippedBecause is { } skipped ? $" ({skipped})" : ""
            : ":" + string.Concat(violations.Select(v => $"{Environment.NewLine}        {v}"));
    }
}
