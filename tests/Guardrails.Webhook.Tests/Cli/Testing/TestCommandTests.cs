using System.Xml.Linq;
using Guardrails.Tests;
using Guardrails.Webhook.Cli;
using Guardrails.Webhook.Cli.Testing;
using Guardrails.Webhook.Tests.Support;

namespace Guardrails.Webhook.Tests.Cli.Testing;

public sealed class TestCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("guardrails-test-cmd-").FullName;

    public TestCommandTests()
    {
        GuardrailsServer.CopyPolicies(Path.Combine(RepoPaths.Root, "examples", "rules"), _dir);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Exit, string Out, string Err) Test(string? junit = null, string? directory = null)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = TestRunner.Run(new TestOptions(directory ?? _dir, junit), stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private void Suite(string name, string cases) => File.WriteAllText(Path.Combine(_dir, "tests", name), $"""
        apiVersion: guardrails.dev/v1alpha1
        kind: RuleTestSuite
        metadata: {"{"} name: {Path.GetFileNameWithoutExtension(name)} {"}"}
        spec:
          cases:
        {cases}
        """);

    private const string UnlabelledService = """
            - name: an unlabelled Service
              object: { apiVersion: v1, kind: Service, metadata: { name: web, namespace: team-a } }

        """;

    [Fact]
    public void The_example_suites_pass_with_exit_0()
    {
        var (exit, output, error) = Test();

        exit.ShouldBe(ExitCodes.Allowed, output + error);
        output.ShouldContain("  pass  maxUnavailable 0 blocks drains and is denied");
        output.ShouldEndWith("11 passed, 0 failed" + Environment.NewLine);
    }

    [Fact]
    public void The_shipped_suites_pass_with_the_disabled_day2_pack_judged_as_enabled()
    {
        var (exit, output, error) = Test(directory: RepoPaths.Policies);

        exit.ShouldBe(ExitCodes.Allowed, output + error);
        output.ShouldContain("day2 (");
        output.ShouldContain("  pass  a PodDisruptionBudget whose minAvailable equals its Deployment's replicas is reported");
        output.ShouldEndWith(" passed, 0 failed" + Environment.NewLine);
    }

    [Fact]
    public void A_suite_enabling_a_pack_the_directory_does_not_hold_is_invalid_with_exit_2()
    {
        File.WriteAllText(Path.Combine(_dir, "tests", "ghost.yaml"), """
            apiVersion: guardrails.dev/v1alpha1
            kind: RuleTestSuite
            metadata: { name: ghost }
            spec:
              enablePacks: [day3]
              cases:
                - name: anything
                  object: { apiVersion: v1, kind: Service, metadata: { name: web, namespace: team-a } }
                  expect: { verdict: allowed }
            """);

        var (exit, _, error) = Test();

        exit.ShouldBe(ExitCodes.InvalidInput);
        error.ShouldContain("spec.enablePacks names pack 'day3'");
    }

    [Fact]
    public void The_first_rule_of_docs_rules_md_compiles_and_passes_its_suite()
    {
        var guide = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "rules.md"));
        var blocks = System.Text.RegularExpressions.Regex.Matches(guide, "```(?<lang>csharp|yaml)\n(?<body>.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline);
        var dir = Path.Combine(_dir, "guide");
        Directory.CreateDirectory(Path.Combine(dir, "rules"));
        Directory.CreateDirectory(Path.Combine(dir, "tests"));
        File.WriteAllText(Path.Combine(dir, "rules", "RequireTeamLabel.cs"), blocks.First(b => b.Groups["lang"].Value == "csharp").Groups["body"].Value);
        var yaml = blocks.Where(b => b.Groups["lang"].Value == "yaml").Select(b => b.Groups["body"].Value).ToList();
        File.WriteAllText(Path.Combine(dir, "team.yaml"), yaml[0]);
        File.WriteAllText(Path.Combine(dir, "tests", "team.yaml"), yaml[1]);

        var (exit, output, error) = Test(directory: dir);

        exit.ShouldBe(ExitCodes.Allowed, output + error);
        output.ShouldContain("  pass  a Service without a team label is denied");
    }

    [Fact]
    public void The_shipped_suites_pass()
    {
        var (exit, output, error) = Test(directory: RepoPaths.Policies);

        exit.ShouldBe(ExitCodes.Allowed, output + error);
    }

    [Fact]
    public void A_failing_case_exits_1_showing_expected_and_got()
    {
        Suite("wrong.yaml", UnlabelledService + """
                  expect: { verdict: allowed, rules: [ingress-https] }
            """);

        var (exit, output, stderr) = Test();

        exit.ShouldBe(ExitCodes.Denied, stderr);
        output.ShouldContain("  FAIL  an unlabelled Service");
        output.ShouldContain("        verdict: expected allowed, got denied:\n        [require-team-label] metadata.labels.team (unset): Service web has no 'team' label, so nobody owns it.");
        output.ShouldContain("        rules: expected [ingress-https], got [require-team-label]");
        output.ShouldEndWith("11 passed, 1 failed" + Environment.NewLine);
    }

    [Fact]
    public void A_mutating_rule_is_tested_against_its_expected_patch()
    {
        var pack = Path.Combine(_dir, "examples.yaml");
        File.WriteAllText(pack, File.ReadAllText(pack).Replace("        label: team\n", "        label: team\n        default: platform\n", StringComparison.Ordinal));
        Suite("mutate.yaml", UnlabelledService + """
                  expect:
                    verdict: allowed
                    patch: [{ op: add, path: /metadata/labels, value: { team: platform } }]
                - name: the same with the wrong patch expected
                  object: { apiVersion: v1, kind: Service, metadata: { name: web, namespace: team-a, labels: { app: web } } }
                  expect:
                    verdict: allowed
                    patch: [{ op: add, path: /metadata/labels, value: { team: platform } }]
            """);

        var (exit, output, stderr) = Test();

        exit.ShouldBe(ExitCodes.Denied, stderr);
        output.ShouldContain("  pass  an unlabelled Service");
        output.ShouldContain("""        patch: expected [{"op":"add","path":"/metadata/labels","value":{"team":"platform"}}], got [{"op":"add","path":"/metadata/labels/team","value":"platform"}]""");
    }

    [Theory]
    [InlineData("    - name: no expectation\n      object: { apiVersion: v1, kind: Service, metadata: { name: x } }", "case 'no expectation': expect is required")]
    [InlineData("    - name: bad verdict\n      object: { apiVersion: v1, kind: Service, metadata: { name: x } }\n      expect: { verdict: maybe }", "case 'bad verdict': expect.verdict must be one of allowed, denied, skipped")]
    [InlineData("    - name: typo\n      objekt: { }\n      expect: { verdict: allowed }", "case 1: unknown key 'objekt'")]
    [InlineData("    - name: missing file\n      file: nowhere.yaml\n      expect: { verdict: allowed }", "case 'missing file': cannot read file nowhere.yaml")]
    public void An_invalid_suite_exits_2_naming_the_file_and_case(string cases, string error)
    {
        Suite("broken.yaml", cases);

        var (exit, _, stderr) = Test();

        exit.ShouldBe(ExitCodes.InvalidInput);
        stderr.ShouldContain($"broken.yaml: {error}");
    }

    [Fact]
    public void A_rule_file_that_does_not_compile_exits_2_with_file_line_and_column()
    {
        File.AppendAllText(Path.Combine(_dir, "rules", "IngressTls.cs"), "\nthis is not C#\n");

        var (exit, _, stderr) = Test();

        exit.ShouldBe(ExitCodes.InvalidInput);
        stderr.ShouldContain("IngressTls.cs:43:1: CS");
    }

    [Fact]
    public void Junit_xml_lists_every_case_and_its_failure()
    {
        Suite("wrong.yaml", UnlabelledService + "      expect: { verdict: allowed }");
        var junit = Path.Combine(_dir, "results.xml");

        Test(junit).Exit.ShouldBe(ExitCodes.Denied);

        var root = XDocument.Load(junit).Root!;
        root.Attribute("tests")!.Value.ShouldBe("12");
        root.Attribute("failures")!.Value.ShouldBe("1");
        var failed = root.Descendants("testcase").Single(c => c.Element("failure") is not null);
        failed.Attribute("name")!.Value.ShouldBe("an unlabelled Service");
        failed.Element("failure")!.Attribute("message")!.Value.ShouldStartWith("verdict: expected allowed, got denied");
    }
}
