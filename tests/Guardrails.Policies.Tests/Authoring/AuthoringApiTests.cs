using Guardrails.Policies.Engine;
using Guardrails.Policies.Packs;
using Guardrails.Policies.Rules;
using Guardrails.Policies.Tests.Support;

namespace Guardrails.Policies.Tests.Authoring;

/// <summary>The authoring API seen from a rule compiled into a program: any kind, typed accessors, parameters bound from the pack.</summary>
public sealed class AuthoringApiTests
{
    private static readonly RuleCatalog Catalog = RuleCatalog.BuiltIn.With([RuleTypeDefinition.TryCreate(typeof(OwnerLabelRule), out _)!]);

    private static PolicyLoadResult Load(string parameters) =>
        PolicyCompiler.Compile([new PackSource("owners.yaml", Policy.Pack("owner-label", parameters))], Catalog);

    [Fact]
    public void A_rule_judges_a_kind_without_pods_of_any_group()
    {
        var policy = Load("          kinds: [policy/PodDisruptionBudget, stable.example.com/CronTab]").Policy!;

        var verdict = policy.Evaluate("""
            apiVersion: stable.example.com/v1
            kind: CronTab
            metadata: { name: nightly, namespace: team-a, labels: { app.kubernetes.io/name: nightly } }
            spec: { cronSpec: "* * * * */5" }
            """);

        verdict.Allowed.ShouldBeFalse();
        var violation = verdict.Violations.ShouldHaveSingleItem();
        violation.RuleId.ShouldBe("owner-label");
        violation.Path.ShouldBe("metadata.labels.owner");
        violation.Actual.ShouldBe("unset");
        violation.Message.ShouldBe("CronTab nightly (stable.example.com) has no owner label; it has app.kubernetes.io/name");
        violation.Fix.ShouldBe("add metadata.labels.owner");
    }

    [Fact]
    public void Kinds_the_rule_does_not_match_are_skipped()
    {
        var policy = Load("          kinds: [policy/PodDisruptionBudget]").Policy!;

        var verdict = policy.Evaluate("""
            apiVersion: v1
            kind: ConfigMap
            metadata: { name: settings, namespace: team-a }
            """);

        verdict.SkippedBecause.ShouldBe("ConfigMap has no pod template: no rule applies to it");
        policy.RulesFor("policy", "PodDisruptionBudget").ShouldBe(["owner-label"]);
        policy.RulesFor("", "ConfigMap").ShouldBeEmpty();
    }

    [Fact]
    public void Paths_of_keys_with_dots_and_slashes_are_bracketed()
    {
        var policy = Load("          kinds: [Service]\n          label: app.kubernetes.io/owner").Policy!;

        var verdict = policy.Evaluate("""
            apiVersion: v1
            kind: Service
            metadata: { name: web, namespace: team-a }
            """);

        verdict.Violations.ShouldHaveSingleItem().Path.ShouldBe("metadata.labels['app.kubernetes.io/owner']");
    }

    [Fact]
    public void Operations_the_rule_does_not_match_are_not_checked()
    {
        var policy = Load("          kinds: [Service]").Policy!;

        var verdict = policy.Evaluate(
            "apiVersion: v1\nkind: Service\nmetadata: { name: web }",
            operation: AdmissionOperation.Delete,
            oldYaml: "apiVersion: v1\nkind: Service\nmetadata: { name: web }");

        verdict.SkippedBecause.ShouldBe("DELETE is not checked");
    }

    [Fact]
    public void An_unknown_parameter_is_an_error_on_its_line()
    {
        var errors = Load("          kinds: [Service]\n          colour: blue").Errors;

        errors.ShouldHaveSingleItem().ToString().ShouldBe("owners.yaml:11: rule 'owner-label' has no parameter 'colour'");
    }

    [Fact]
    public void A_missing_required_parameter_is_an_error()
    {
        var errors = Load("          label: owner").Errors;

        errors.ShouldHaveSingleItem().ToString().ShouldBe("owners.yaml:7: rule 'owner-label' parameter 'kinds': is required");
    }

    [Theory]
    [InlineData("          kinds: Service", "owners.yaml:10: rule 'owner-label' parameter 'kinds': must be a list of strings")]
    [InlineData("          kinds: [Service]\n          maxMissing: many", "owners.yaml:11: rule 'owner-label' parameter 'maxMissing': 'many' is not a whole number")]
    [InlineData("          kinds: [Service]\n          strict: maybe", "owners.yaml:11: rule 'owner-label' parameter 'strict': 'maybe' is not true or false")]
    [InlineData("          kinds: [Service]\n          severity: loud", "owners.yaml:11: rule 'owner-label' parameter 'severity': 'loud' is not one of Low, High")]
    public void A_wrong_typed_parameter_is_an_error_on_its_line(string parameters, string error)
    {
        Load(parameters).Errors.ShouldHaveSingleItem().ToString().ShouldBe(error);
    }

    [Fact]
    public void Parameters_the_rule_refuses_are_an_error_on_the_rule_entry()
    {
        var errors = Load("          kinds: [no/such/kind]").Errors;

        errors.ShouldHaveSingleItem().ToString().ShouldStartWith("owners.yaml:7: rule 'owner-label': refused by the rule: 'no/such/kind' is not a kind");
    }
}
