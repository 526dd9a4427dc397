using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Tests.Support;

namespace Guardrails.Policies.Tests.Patching;

/// <summary>
/// Our patches are applied by kubectl (an independent RFC 6902 implementation); the patched object must then pass
/// the rule that proposed them, and kubectl's result must equal our own applier's.
/// </summary>
public sealed class KubectlPatchOracleTests
{
    private static readonly CompiledPolicy Defaults = Policy.Compile(
        Policy.Pack("resource-requirements", """
                      defaults: { requests.cpu: 100m, requests.memory: 128Mi, limits.memory: 256Mi }
            """, name: "resources"),
        Policy.Pack("run-as-non-root", "          setDefault: true", name: "nonroot"));

    public static TheoryData<string> Objects() =>
    [
        // Nothing set at all: resources and securityContext objects must be created.
        """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"bare"},"spec":{"containers":[{"name":"a","image":"x:1"}]}}
        """,
        // Partly set: only the missing leaves and sections may be added, nothing overwritten.
        """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"partial"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"securityContext":{"fsGroup":2000},"initContainers":[{"name":"init","image":"x:1","resources":{"requests":{"cpu":"50m"}}}],"containers":[{"name":"a","image":"x:1","resources":{"limits":{"memory":"64Mi"}}},{"name":"b","image":"x:1","resources":{}}]}}}}
        """,
        // A CronJob, to prove the pointer walks the job template.
        """
        {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"cj"},"spec":{"schedule":"* * * * *","jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"OnFailure","containers":[{"name":"a","image":"x:1","resources":{"requests":{"memory":"1Gi"}}}]}}}}}}
        """,
    ];

    [Theory]
    [MemberData(nameof(Objects))]
    public void Kubectl_applies_our_patch_and_the_result_passes(string json)
    {
        var kubectl = FindKubectl();
        if (kubectl is null)
        {
            Assert.Skip("kubectl is not on PATH: this oracle test needs kubectl (installed on the project's machines)");
        }

        var before = Defaults.Evaluate(json);
        before.Allowed.ShouldBeFalse();
        var patched = Defaults.Evaluate(json, EvaluationMode.MutateThenValidate);
        patched.Patch.IsEmpty.ShouldBeFalse();

        var file = Path.Combine(Path.GetTempPath(), $"guardrails-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, json);
        try
        {
            var result = Run(kubectl, "patch", "--local", "-f", file, "--type=json", "-p", patched.Patch.ToString(), "-o", "json");

            var afterKubectl = JsonNode.Parse(result)!;
            JsonNode.DeepEquals(afterKubectl, patched.Patch.Apply(JsonNode.Parse(json))).ShouldBeTrue(
                $"kubectl: {afterKubectl.ToJsonString()}");
            var after = Defaults.Evaluate(afterKubectl.ToJsonString());
            after.Violations.ShouldBeEmpty();
            patched.Violations.ShouldBeEmpty();
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Validate_never_patches_and_nothing_to_default_means_no_patch()
    {
        const string compliant = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"ok"},"spec":{"securityContext":{"runAsNonRoot":true},"containers":[{"name":"a","image":"x:1","resources":{"requests":{"cpu":"1","memory":"1Gi"},"limits":{"memory":"1Gi"}}}]}}
            """;

        Defaults.Evaluate(compliant, EvaluationMode.MutateThenValidate).Patch.IsEmpty.ShouldBeTrue();
        Defaults.Evaluate(Objects().First().Data).Patch.IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void An_explicit_runAsNonRoot_false_is_reported_not_overwritten()
    {
        var verdict = Defaults.Evaluate(
            """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"x:1","securityContext":{"runAsNonRoot":false},"resources":{"requests":{"cpu":"1","memory":"1Gi"},"limits":{"memory":"1Gi"}}}]}}""",
            EvaluationMode.MutateThenValidate);

        verdict.Patch.IsEmpty.ShouldBeTrue();
        verdict.Violations.ShouldHaveSingleItem().Actual.ShouldBe("false");
    }

    private static string? FindKubectl() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "kubectl"))
            .FirstOrDefault(File.Exists);

    private static string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit(30_000).ShouldBeTrue("kubectl did not finish in 30 s");
        process.ExitCode.ShouldBe(0, $"kubectl failed: {stderr}");
        return stdout.Result;
    }
}
