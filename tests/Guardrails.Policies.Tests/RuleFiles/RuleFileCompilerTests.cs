using Guardrails.Policies.Tests.Support;

namespace Guardrails.Policies.Tests.RuleFiles;

public sealed class RuleFileCompilerTests
{
    private static readonly string TeamLabelPack = RuleFilePolicy.Pack("team-label");

    [Fact]
    public void A_rule_file_defines_a_rule_packs_can_enable()
    {
        var policy = RuleFilePolicy.Compile(TeamLabelPack, RuleFilePolicy.RuleFile("team-label", """
                    var label = context.Object.Label("team");
                    if (!label.IsPresent)
                    {
                        context.Report(label, $"{context.Object.Kind} {context.Object.Name} has no team label", "add metadata.labels.team");
                    }
            """));

        var verdict = policy.Evaluate("apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings, namespace: team-a }");

        verdict.Allowed.ShouldBeFalse();
        verdict.Violations.ShouldHaveSingleItem().ToString().ShouldBe("[team-label] metadata.labels.team (unset): ConfigMap settings has no team label. Fix: add metadata.labels.team");
    }

    [Fact]
    public void A_compile_error_is_refused_with_file_line_column_and_the_compiler_message()
    {
        var result = RuleFilePolicy.Load(TeamLabelPack, RuleFilePolicy.RuleFile("team-label", "        var x = context.Nope;"));

        result.Succeeded.ShouldBeFalse();
        result.Errors.ShouldHaveSingleItem().ToString().ShouldBe("rules/Custom.cs:10:25: CS1061: 'RuleContext' does not contain a definition for 'Nope' and no accessible extension method 'Nope' accepting a first argument of type 'RuleContext' could be found (are you missing a using directive or an assembly reference?)");
    }

    [Fact]
    public void A_pack_naming_a_rule_no_file_defines_is_refused()
    {
        var result = RuleFilePolicy.Load(TeamLabelPack, RuleFilePolicy.RuleFile("other-label", ""));

        result.Errors.ShouldHaveSingleItem().Message.ShouldStartWith("unknown rule id 'team-label' (known: image-tag, ingress-tls, network-policy-keeps-platform-access, other-label, pdb-allows-disruption, ");
    }

    [Theory]
    [InlineData("[Rule(\"Team_Label\")] public sealed class A : Rule { public override void Check(RuleContext c) { } }", "rules/Bad.cs:1:42: rule id 'Team_Label' of A is not kebab-case (lowercase letters, digits and '-', for example require-team-label)")]
    [InlineData("public sealed class A : Rule { public override void Check(RuleContext c) { } }", "rules/Bad.cs:1:21: rule class A needs a [Rule(\"its-id\")] attribute")]
    [InlineData("[Rule(\"image-tag\")] public sealed class A : Rule { public override void Check(RuleContext c) { } }", "rules/Bad.cs:1:41: rule id 'image-tag' is a shipped rule's; choose another id")]
    public void A_rule_class_the_loader_cannot_use_is_refused_with_its_line(string source, string error)
    {
        var result = RuleFilePolicy.Load(TeamLabelPack, ("rules/Bad.cs", source));

        result.Errors.ShouldHaveSingleItem().ToString().ShouldBe(error);
    }

    [Fact]
    public void The_example_rules_compile_and_judge_any_kind()
    {
        var policy = RuleFilePolicy.Examples();

        policy.RulesFor("policy", "PodDisruptionBudget").ShouldBe(["pdb-drainable"]);
        policy.RulesFor("networking.k8s.io", "Ingress").ShouldBe(["require-team-label", "ingress-https"]);
        policy.RulesFor("stable.example.com", "CronTab").ShouldBe(["require-team-label"]);

        var verdict = policy.Evaluate("""
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: { name: web, namespace: team-a }
            spec: { maxUnavailable: 0, selector: { matchLabels: { app: web } } }
            """);
        var violation = verdict.Violations.ShouldHaveSingleItem();
        violation.Path.ShouldBe("spec.maxUnavailable");
        violation.Actual.ShouldBe("0");
        violation.Message.ShouldBe("PodDisruptionBudget web allows no pod to be unavailable, so no node running its pods can be drained");
    }
}
