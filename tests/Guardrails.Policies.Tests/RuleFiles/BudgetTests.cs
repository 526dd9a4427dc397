using Guardrails.Policies.Engine;
using Guardrails.Policies.Tests.Support;

namespace Guardrails.Policies.Tests.RuleFiles;

/// <summary>A rule file that runs away is stopped at its budget and reported in its own mode; the request is still answered.</summary>
public sealed class BudgetTests
{
    private static string Pack(string mode) => RuleFilePolicy.Pack("spinner", mode);

    private const string ConfigMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x, namespace: team-a }";

    [Fact]
    public void An_infinite_loop_is_stopped_at_its_budget_and_denies_in_enforce_mode()
    {
        var policy = RuleFilePolicy.Compile(Pack("Enforce"), RuleFilePolicy.RuleFile("spinner", "        while (true) { }"));

        var verdict = policy.Evaluate(ConfigMap);

        verdict.Allowed.ShouldBeFalse();
        var violation = verdict.Violations.ShouldHaveSingleItem();
        violation.RuleId.ShouldBe("spinner");
        violation.Message.ShouldBe("rule spinner did not finish within 5 ms");
        violation.Mode.ShouldBe(EnforcementMode.Enforce);
    }

    [Fact]
    public void An_overrun_in_warn_mode_only_warns()
    {
        var policy = RuleFilePolicy.Compile(Pack("Warn"), RuleFilePolicy.RuleFile("spinner", "        for (var i = 0; ; i++) { }"));

        var verdict = policy.Evaluate(ConfigMap);

        verdict.Allowed.ShouldBeTrue();
        verdict.Warnings.ShouldHaveSingleItem().Message.ShouldBe("rule spinner did not finish within 5 ms");
    }

    [Fact]
    public void A_rule_sets_its_own_budget()
    {
        var policy = RuleFilePolicy.Compile(Pack("Enforce"), RuleFilePolicy.RuleFile(
            "spinner",
            "        Spin();",
            members: "    public override TimeSpan Budget => TimeSpan.FromMilliseconds(20);\n    private static void Spin() { do { } while (true); }"));

        policy.Evaluate(ConfigMap).Violations.ShouldHaveSingleItem().Message.ShouldBe("rule spinner did not finish within 20 ms");
    }

    [Theory]
    [InlineData("    public override TimeSpan Budget => TimeSpan.FromSeconds(30);", "pack.yaml:7: rule 'spinner': its budget 30000 ms must be above 0 and at most 1 s (the webhook must answer inside the apiserver's timeout)")]
    [InlineData("    public override bool Mutates { get { while (true) { } } }", "pack.yaml:7: rule 'spinner': reading its Match, Mutates or Budget failed: did not finish within 1000 ms")]
    [InlineData("    public override Match Match => Match.Kinds(\"a/b/C\");", "pack.yaml:7: rule 'spinner': reading its Match, Mutates or Budget failed: 'a/b/C' is not a kind: write Kind, group/Kind or group/* (for example networking.k8s.io/Ingress) (Parameter 'text')")]
    public void What_a_rule_says_about_itself_is_read_once_under_a_budget_and_refused_when_wrong(string members, string error)
    {
        var source = RuleFilePolicy.RuleFile("spinner", "", members: members);
        var text = source.Item2.Replace("    public override Match Match { get; } = Match.AnyKind;\n", members.Contains("Match Match", StringComparison.Ordinal) ? "" : "    public override Match Match { get; } = Match.AnyKind;\n", StringComparison.Ordinal);

        var result = RuleFilePolicy.Load(Pack("Enforce"), (source.Item1, text));

        result.Errors.ShouldHaveSingleItem().ToString().ShouldBe(error);
    }

    [Fact]
    public void Unbounded_recursion_is_stopped_before_the_stack_overflows()
    {
        var policy = RuleFilePolicy.Compile(Pack("Enforce"), RuleFilePolicy.RuleFile(
            "spinner",
            "        Down(0);",
            members: "    private static int Down(int n) => Down(n + 1) + 1;"));

        // Whichever comes first, the clock or the stack guard, stops it; the process survives either way.
        policy.Evaluate(ConfigMap).Violations.ShouldHaveSingleItem().Message.ShouldBeOneOf(
            "rule spinner did not finish within 5 ms",
            "rule spinner recursed too deeply (the stack is nearly full) within 5 ms");
    }

    [Theory]
    [InlineData("        Func<int, int> f = null!; f = x => f(x) + 1; f(0);", "")]
    [InlineData("        Wrapper w = 1;", "    private sealed class Wrapper { public static implicit operator Wrapper(int n) => n; }")]
    [InlineData("        var n = Depth;", "    private static int Depth => Depth + 1;")]
    public void Recursion_through_a_lambda_an_operator_or_a_property_is_stopped(string check, string members)
    {
        var policy = RuleFilePolicy.Compile(Pack("Enforce"), RuleFilePolicy.RuleFile("spinner", check, members: members));

        policy.Evaluate(ConfigMap).Violations.ShouldHaveSingleItem().Message.ShouldStartWith("rule spinner ");
    }

    [Fact]
    public void A_loop_inside_a_lambda_and_a_goto_are_stopped_too()
    {
        var lambda = RuleFilePolicy.Compile(Pack("Enforce"), RuleFilePolicy.RuleFile("spinner", "        var n = new[] { 1, 2 }.Count(x => { while (x > 0) { } return true; });"));
        var jump = RuleFilePolicy.Compile(Pack("Enforce"), RuleFilePolicy.RuleFile("spinner", "        again: goto again;"));

        lambda.Evaluate(ConfigMap).Violations.ShouldHaveSingleItem().Message.ShouldBe("rule spinner did not finish within 5 ms");
        jump.Evaluate(ConfigMap).Violations.ShouldHaveSingleItem().Message.ShouldBe("rule spinner did not finish within 5 ms");
    }

    [Fact]
    public void A_runaway_mutation_is_dropped_and_reported()
    {
        var policy = RuleFilePolicy.Compile(Pack("Enforce"), RuleFilePolicy.RuleFile(
            "spinner",
            "",
            members: "    public override bool Mutates => true;\n    public override void Mutate(RuleContext context, PatchBuilder patch) { patch.Add(\"/metadata/labels\", null); while (true) { } }"));

        var verdict = policy.Evaluate(ConfigMap, EvaluationMode.MutateThenValidate);

        verdict.Patch.IsEmpty.ShouldBeTrue();
        verdict.Violations.ShouldHaveSingleItem().Message.ShouldBe("rule spinner did not finish within 5 ms");
    }
}
