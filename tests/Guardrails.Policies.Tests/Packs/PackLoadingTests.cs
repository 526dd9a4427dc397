using Guardrails.Policies.Engine;
using Guardrails.Policies.Packs;
using Guardrails.Policies.Resources;
using Guardrails.Tests;

namespace Guardrails.Policies.Tests.Packs;

public sealed class PackLoadingTests
{
    private static PolicyLoadResult Load(string yaml) => PolicyCompiler.Compile([new PackSource("team.yaml", yaml)]);

    private const string Header = """
        apiVersion: guardrails.dev/v1alpha1
        kind: RulePack
        metadata:
          name: team
        spec:
          rules:

        """;

    [Fact]
    public void The_shipped_baseline_pack_enables_the_four_rules_in_Enforce()
    {
        var result = PolicyCompiler.Compile(Directory.GetFiles(RepoPaths.Policies, "*.yaml").Select(f => new PackSource(f, File.ReadAllText(f))));

        result.Errors.ShouldBeEmpty();
        var baseline = result.Policy!.Packs.Single(p => p.Name == "baseline");
        baseline.Rules.Select(r => (r.Id, r.Mode)).ShouldBe(
        [
            ("run-as-non-root", EnforcementMode.Enforce),
            ("resource-requirements", EnforcementMode.Enforce),
            ("image-tag", EnforcementMode.Enforce),
            ("quota-fits", EnforcementMode.Enforce),
        ]);
        result.Policy.RulesFor(WorkloadKind.Deployment).ShouldBe(["run-as-non-root", "resource-requirements", "image-tag", "quota-fits"]);
        result.Policy.RulesFor(WorkloadKind.CronJob).ShouldBe(["run-as-non-root", "resource-requirements", "image-tag", "quota-fits"]);
    }

    [Fact]
    public void Unknown_rule_id_is_refused_with_file_and_line()
    {
        var result = Load(Header + "    - id: no-such-rule\n");

        result.Succeeded.ShouldBeFalse();
        var error = result.Errors.ShouldHaveSingleItem();
        error.File.ShouldBe("team.yaml");
        error.Line.ShouldBe(7);
        error.Message.ShouldStartWith("unknown rule id 'no-such-rule'");
    }

    [Fact]
    public void Bad_parameter_value_points_at_its_line()
    {
        var result = Load(Header + """
                - id: run-as-non-root
                  parameters:
                    require: sometimes
            """);

        var error = result.Errors.ShouldHaveSingleItem();
        error.Line.ShouldBe(9);
        error.Message.ShouldBe("rule 'run-as-non-root' parameter 'require': 'sometimes' is not one of both, runAsNonRoot, runAsUser");
    }

    [Fact]
    public void Unknown_parameter_is_an_error_not_ignored()
    {
        var result = Load(Header + """
                - id: image-tag
                  parameters:
                    disallowTags: [latest]
            """);

        var error = result.Errors.ShouldHaveSingleItem();
        error.Line.ShouldBe(9);
        error.Message.ShouldBe("rule 'image-tag' has no parameter 'disallowTags'");
    }

    [Fact]
    public void Broken_quantity_in_parameters_is_named()
    {
        var result = Load(Header + """
                - id: resource-requirements
                  parameters:
                    maximum: { limits.memory: 8GB }
            """);

        result.Errors.ShouldHaveSingleItem().Message.ShouldContain("8GB");
    }

    [Fact]
    public void Invalid_mode_is_refused()
    {
        var result = Load(Header + """
                - id: image-tag
                  mode: Block
            """);

        var error = result.Errors.ShouldHaveSingleItem();
        error.Line.ShouldBe(8);
        error.Message.ShouldBe("mode 'Block' of rule 'image-tag' is not one of Enforce, Warn, Audit, Off");
    }

    [Fact]
    public void Invalid_yaml_is_refused_with_its_line()
    {
        var result = Load(Header + "    - id: image-tag\n      mode: [Enforce\n");

        result.Errors.ShouldHaveSingleItem().Message.ShouldStartWith("invalid YAML");
        result.Errors[0].Line.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Wrong_api_version_and_unknown_fields_are_refused()
    {
        var result = Load("""
            apiVersion: guardrails.dev/v2
            kind: RulePack
            metadata: { name: team }
            spec:
              rulez: []
            """);

        result.Errors.Select(e => e.Message).ShouldBe(
        [
            "apiVersion must be 'guardrails.dev/v1alpha1', not 'guardrails.dev/v2'",
            "unknown field 'spec.rulez' (expected one of: enabled, rules, scope)",
        ], ignoreOrder: true);
    }

    [Fact]
    public void Two_packs_may_not_share_a_name()
    {
        var pack = Header + "    - id: image-tag\n";

        var result = PolicyCompiler.Compile([new PackSource("a.yaml", pack), new PackSource("b.yaml", pack)]);

        result.Errors.ShouldHaveSingleItem().ToString().ShouldBe("b.yaml:4: pack name 'team' is already used in a.yaml");
    }

    [Fact]
    public void Parameters_of_a_disabled_rule_are_still_validated()
    {
        var result = Load(Header + """
                - id: run-as-non-root
                  enabled: false
                  parameters: { require: nobody }
            """);

        result.Succeeded.ShouldBeFalse();
    }

    [Fact]
    public void Platform_settings_beside_a_pack_are_not_parsed_as_a_pack()
    {
        var result = Load(Header + "    - id: image-tag\n" + """
            ---
            apiVersion: guardrails.dev/v1alpha1
            kind: PlatformSettings
            spec:
              tiers: { dev: { podSecurity: baseline } }
            """);

        result.Errors.ShouldBeEmpty();
        result.Policy!.Packs.Select(p => p.Name).ShouldBe(["team"]);
    }

    [Fact]
    public void A_misspelt_kind_is_still_refused_as_a_pack()
    {
        var result = Load("""
            apiVersion: guardrails.dev/v1alpha1
            kind: PlatformSetting
            metadata: { name: platform }
            spec: {}
            """);

        result.Errors.ShouldHaveSingleItem().Message.ShouldBe("kind must be 'RulePack', not 'PlatformSetting'");
    }
}
