using System.Text;
using System.Text.Json.Nodes;
using Guardrails.Tests;
using Guardrails.Webhook.Cli;
using Guardrails.Webhook.Cli.Testing;
using Guardrails.Webhook.Tests.Support;

namespace Guardrails.Webhook.Tests.RuleFiles;

/// <summary>A platform team's rule files, loaded from the policies directory, give one answer at every door.</summary>
public sealed class CustomRuleDoorsTests : IAsyncLifetime
{
    private static readonly string Examples = Path.Combine(RepoPaths.Root, "examples", "rules");
    private static readonly string RecordedPdb = "v1.26/09-pdb-hpa-service-ingress-networkpolicy/0263-validate-CREATE-PodDisruptionBudget-web.json";
    private static readonly string RecordedIngress = "v1.26/09-pdb-hpa-service-ingress-networkpolicy/0272-validate-CREATE-Ingress-web.json";
    private GuardrailsServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await GuardrailsServer.StartAsync(copyFrom: Examples);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    /// <summary>The recorded PodDisruptionBudget (minAvailable: 2) changed to block drains.</summary>
    private static JsonNode BlockingPdbReview()
    {
        var review = JsonNode.Parse(Fixtures.Read(RecordedPdb))!;
        var spec = review["request"]!["object"]!["spec"]!.AsObject();
        spec.Remove("minAvailable");
        spec["maxUnavailable"] = 0;
        return review;
    }

    [Fact]
    public async Task A_recorded_PodDisruptionBudget_that_allows_drains_is_allowed()
    {
        using var client = _server.CreateClient();

        using var http = await client.PostAsync("/validate", Fixtures.Json(Fixtures.Read(RecordedPdb)), TestContext.Current.CancellationToken);

        (await AdmissionResponse.ReadAsync(http)).Allowed.ShouldBeTrue();
    }

    [Fact]
    public async Task A_custom_rule_denies_with_the_same_violation_at_validate_dry_run_check_and_test()
    {
        const string Expected = "[pdb-drainable] spec.maxUnavailable (0): PodDisruptionBudget web allows no pod to be unavailable, so no node running its pods can be drained";
        var review = BlockingPdbReview();
        var pdb = review["request"]!["object"]!;
        using var client = _server.CreateClient();

        using var validateHttp = await client.PostAsync("/validate", Fixtures.Json(review.ToJsonString()), TestContext.Current.CancellationToken);
        var validate = await AdmissionResponse.ReadAsync(validateHttp);
        validate.Allowed.ShouldBeFalse();
        validate.Message!.ShouldContain(Expected);

        using var dryRunHttp = await client.PostAsync("/api/v1/evaluate", new StringContent(pdb.ToJsonString(), Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var dryRun = JsonNode.Parse(await dryRunHttp.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["results"]![0]!;
        dryRun["verdict"]!.GetValue<string>().ShouldBe("denied");
        var violation = dryRun["violations"]!.AsArray().ShouldHaveSingleItem()!;
        $"[{violation["rule"]}] {violation["path"]} ({violation["actual"]}): {violation["message"]}".ShouldBe(Expected);

        var dir = Directory.CreateTempSubdirectory("guardrails-doors-").FullName;
        try
        {
            var file = Path.Combine(dir, "pdb.json");
            await File.WriteAllTextAsync(file, pdb.ToJsonString(), TestContext.Current.CancellationToken);
            using var checkOut = new StringWriter();
            using var checkErr = new StringWriter();
            CheckRunner.Run(new CheckOptions([file], Examples, null, "text", null), new StringReader(""), checkOut, checkErr).ShouldBe(ExitCodes.Denied, checkErr.ToString());
            checkOut.ToString().ShouldContain("[pdb-drainable] spec.maxUnavailable = 0\n        PodDisruptionBudget web allows no pod to be unavailable, so no node running its pods can be drained");

            var policies = Path.Combine(dir, "policies");
            GuardrailsServer.CopyPolicies(Examples, policies);
            Directory.Delete(Path.Combine(policies, "tests"), recursive: true);
            Directory.CreateDirectory(Path.Combine(policies, "tests"));
            await File.WriteAllTextAsync(Path.Combine(policies, "tests", "pdb.yaml"), """
                apiVersion: guardrails.dev/v1alpha1
                kind: RuleTestSuite
                metadata: { name: pdb }
                spec:
                  cases:
                    - name: the blocking budget
                      file: ../../pdb.json
                      expect: { verdict: allowed }
                """, TestContext.Current.CancellationToken);
            using var testOut = new StringWriter();
            using var testErr = new StringWriter();
            TestRunner.Run(new TestOptions(policies, null), testOut, testErr).ShouldBe(ExitCodes.Denied, testErr.ToString());
            testOut.ToString().ShouldContain($"verdict: expected allowed, got denied:\n        {Expected}. Fix: ");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task The_recorded_Ingress_without_tls_or_team_is_judged_by_two_rule_files()
    {
        using var client = _server.CreateClient();

        using var http = await client.PostAsync("/validate", Fixtures.Json(Fixtures.Read(RecordedIngress)), TestContext.Current.CancellationToken);
        var response = await AdmissionResponse.ReadAsync(http);

        response.Allowed.ShouldBeFalse();
        response.Message!.ShouldContain("[require-team-label] metadata.labels.team (unset): Ingress web has no 'team' label, so nobody owns it");
        response.Warnings.ShouldContain(w => w.Contains("[ingress-https] spec.tls (unset): Ingress web has no tls section"));
    }

    [Fact]
    public async Task A_rule_on_a_custom_resource_kind_judges_its_admission_review()
    {
        var crontab = JsonNode.Parse("""{"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"name":"nightly","namespace":"team-a"},"spec":{"cronSpec":"0 3 * * *"}}""")!;
        using var client = _server.CreateClient();

        using var denied = await client.PostAsync("/validate", Fixtures.Json(Fixtures.Wrap(crontab, "uid-crontab", "stable.example.com", "v1", "CronTab")), TestContext.Current.CancellationToken);
        crontab["metadata"]!["labels"] = new JsonObject { ["team"] = "team-a" };
        using var allowed = await client.PostAsync("/validate", Fixtures.Json(Fixtures.Wrap(crontab, "uid-crontab-2", "stable.example.com", "v1", "CronTab")), TestContext.Current.CancellationToken);

        var deniedResponse = await AdmissionResponse.ReadAsync(denied);
        deniedResponse.Allowed.ShouldBeFalse();
        deniedResponse.Message!.ShouldContain("[require-team-label] metadata.labels.team (unset): CronTab nightly has no 'team' label");
        (await AdmissionResponse.ReadAsync(allowed)).Allowed.ShouldBeTrue();
    }
}
