using Guardrails.Policies.Engine;
using Guardrails.Policies.Packs;
using Guardrails.Policies.Quantities;
using Guardrails.Tests;
using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Provisioning;

namespace Guardrails.Webhook.Tests.Provisioning;

public sealed class PlatformSettingsTests
{
    private static PlatformSettingsLoadResult Parse(string yaml) => PlatformSettingsParser.Parse(new PackSource("platform.yaml", yaml));

    /// <summary>The 1-based line of the first line containing <paramref name="marker"/>.</summary>
    private static int LineOf(string yaml, string marker) =>
        yaml.Split('\n').Select((line, i) => (line, i)).First(x => x.line.Contains(marker, StringComparison.Ordinal)).i + 1;

    private static PackError SingleError(string yaml)
    {
        var result = Parse(yaml);
        result.Succeeded.ShouldBeFalse();
        result.Settings.ShouldBeNull();
        var error = result.Errors.ShouldHaveSingleItem();
        error.File.ShouldBe("platform.yaml");
        return error;
    }

    private static string Edit(string find, string replace)
    {
        ProvisioningFixtures.SettingsYaml.ShouldContain(find);
        return ProvisioningFixtures.SettingsYaml.Replace(find, replace, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_settings_are_valid_with_an_example_team_and_three_tiers()
    {
        var file = Path.Combine(RepoPaths.Policies, "platform.yaml");
        var result = PlatformSettingsParser.Parse(new PackSource(file, File.ReadAllText(file)));

        result.Errors.ShouldBeEmpty();
        var settings = result.Settings!;
        settings.Teams.Keys.ShouldBe(["team-a"]);
        settings.Teams["team-a"].Budget.Cpu.ShouldBe(Quantity.Parse("16"));
        settings.Tiers.Keys.ShouldBe(["dev", "staging", "prod"]);
        settings.Tiers.Values.Select(t => t.PodSecurity).ShouldBe(["baseline", "restricted", "restricted"]);
        settings.Tiers.Values.ShouldAllBe(t => t.Packs.Contains("baseline"));
    }

    [Fact]
    public void Reads_teams_and_tiers()
    {
        var settings = ProvisioningFixtures.Settings();

        settings.File.ShouldBe("platform.yaml");
        settings.Teams["team-a"].Budget.ShouldBe(new EnvironmentResources(Quantity.Parse("16"), Quantity.Parse("64Gi"), Quantity.Parse("100Gi"), Quantity.Parse("50")));
        settings.Teams["team-b"].Budget.ShouldBe(EnvironmentResources.None);
        var dev = settings.Tiers["dev"];
        dev.PodSecurity.ShouldBe("baseline");
        dev.DefaultLimits.ShouldBe(new ContainerDefaults(Quantity.Parse("500m"), Quantity.Parse("1Gi")));
        dev.DefaultRequests.ShouldBe(new ContainerDefaults(Quantity.Parse("200m"), Quantity.Parse("256Mi")));
        dev.AllowFromNamespaces.ShouldBe(["ingress-nginx", "monitoring"]);
        dev.Packs.ShouldBe(["baseline"]);
        settings.Tiers["prod"].QuotaHard.ShouldBe(new Dictionary<string, Quantity> { ["services.nodeports"] = Quantity.Zero, ["count/secrets"] = Quantity.Parse("100") });
    }

    [Fact]
    public void A_bad_quantity_is_refused_with_its_line()
    {
        var yaml = Edit("memory: 64Gi", "memory: 64GB");

        var error = SingleError(yaml);

        error.Line.ShouldBe(LineOf(yaml, "64GB"));
        error.Message.ShouldStartWith("spec.teams.team-a.budget.memory: '64GB' is not a valid quantity");
    }

    [Fact]
    public void An_unknown_field_is_refused_with_its_line()
    {
        var yaml = Edit("      podSecurity: restricted\n      limitRange:\n        default: { cpu: \"1\"", "      podSecurity: restricted\n      limitRanges: {}\n      limitRange:\n        default: { cpu: \"1\"");

        var error = SingleError(yaml);

        error.Line.ShouldBe(LineOf(yaml, "limitRanges"));
        error.Message.ShouldBe("unknown field 'spec.tiers.prod.limitRanges' (expected one of: limitRange, network, packs, podSecurity, quota)");
    }

    [Fact]
    public void A_tier_the_CRD_does_not_accept_is_refused()
    {
        var yaml = Edit("    staging:", "    qa:");

        var error = SingleError(yaml);

        error.Line.ShouldBe(LineOf(yaml, "qa:"));
        error.Message.ShouldBe("tier 'qa' is not one of dev, staging, prod, the tiers the Environment CRD accepts");
    }

    [Fact]
    public void A_pod_security_level_must_be_one_Kubernetes_knows()
    {
        var yaml = Edit("podSecurity: baseline", "podSecurity: strict");

        var error = SingleError(yaml);

        error.Line.ShouldBe(LineOf(yaml, "strict"));
        error.Message.ShouldBe("spec.tiers.dev.podSecurity 'strict' is not one of privileged, baseline, restricted");
    }

    [Fact]
    public void A_default_request_above_the_default_limit_is_refused_as_Kubernetes_would()
    {
        var yaml = Edit("defaultRequest: { cpu: 500m, memory: 1Gi }", "defaultRequest: { cpu: 1500m, memory: 1Gi }");

        var error = SingleError(yaml);

        error.Line.ShouldBe(LineOf(yaml, "1500m"));
        error.Message.ShouldBe("spec.tiers.prod.limitRange.defaultRequest.cpu 1500m is above default.cpu 1: Kubernetes refuses a LimitRange whose default request exceeds its default limit");
    }

    [Fact]
    public void A_tier_cannot_set_quota_entries_the_request_sizes()
    {
        var yaml = Edit("hard: { services.nodeports: \"0\", count/secrets: \"100\" }", "hard:\n            services.nodeports: \"0\"\n            limits.cpu: \"8\"");

        var error = SingleError(yaml);

        error.Line.ShouldBe(LineOf(yaml, "limits.cpu"));
        error.Message.ShouldBe("spec.tiers.prod.quota.hard.limits.cpu is sized by each environment's request (spec.resources), so a tier cannot set it");
    }

    [Fact]
    public void A_team_needs_a_budget_key_and_a_dns_label_name()
    {
        var yaml = Edit("    team-b:\n      budget: {}", "    Team_B:\n      {}");

        var result = Parse(yaml);

        result.Errors.Select(e => (e.Line, e.Message)).ShouldBe(
        [
            (LineOf(yaml, "Team_B"), "team 'Team_B' must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters, because it starts every namespace name of the team"),
            (LineOf(yaml, "Team_B"), "spec.teams.Team_B has no budget: set cpu, memory, storage and pods (a resource left out is not limited; budget: {} limits none)"),
        ]);
    }

    [Fact]
    public void Every_error_is_reported_at_once_in_line_order()
    {
        var yaml = ProvisioningFixtures.SettingsYaml
            .Replace("guardrails.dev/v1alpha1", "guardrails.dev/v2", StringComparison.Ordinal)
            .Replace("pods: \"50\"", "pods: \"-5\"", StringComparison.Ordinal)
            .Replace("[ingress-nginx, monitoring]", "[Ingress]", StringComparison.Ordinal)
            .Replace("packs: [baseline]\n    staging", "packs: [Baseline]\n    staging", StringComparison.Ordinal);

        var result = Parse(yaml);

        result.Errors.Select(e => e.Line).ShouldBe([1, LineOf(yaml, "-5"), LineOf(yaml, "[Ingress]"), LineOf(yaml, "[Baseline]")]);
        result.Errors[0].Message.ShouldBe("apiVersion must be 'guardrails.dev/v1alpha1', not 'guardrails.dev/v2'");
        result.Errors[1].Message.ShouldBe("spec.teams.team-a.budget.pods is negative (-5)");
        result.Errors[2].Message.ShouldStartWith("spec.tiers.dev.network.allowFromNamespaces 'Ingress' is not a namespace name");
        result.Errors[3].Message.ShouldStartWith("spec.tiers.dev.packs 'Baseline' is not a pack name");
    }

    [Fact]
    public void No_settings_document_and_two_settings_documents_are_errors()
    {
        var none = PlatformSettingsParser.Parse(new PackSource("baseline.yaml", ProvisioningFixtures.BaselinePack));
        none.Errors.ShouldHaveSingleItem().Message.ShouldStartWith("no PlatformSettings document");

        var two = PlatformSettingsParser.Load([new PackSource("a.yaml", ProvisioningFixtures.SettingsYaml), new PackSource("b.yaml", ProvisioningFixtures.SettingsYaml)]);
        var error = two.Errors.ShouldHaveSingleItem();
        (error.File, error.Line).ShouldBe(("b.yaml", 1));
        error.Message.ShouldBe("a second PlatformSettings document; the first is at a.yaml:1, and only one may exist");
    }

    [Fact]
    public void A_field_of_the_wrong_type_is_refused_with_its_line()
    {
        var yaml = Edit("packs: [baseline]", "packs: baseline");

        var result = Parse(yaml);

        var error = result.Errors.First(e => e.Message.Contains("packs", StringComparison.Ordinal));
        error.File.ShouldBe("platform.yaml");
        error.Line.ShouldBe(LineOf(yaml, "packs: baseline"));
        error.Message.ShouldBe("spec.tiers.dev.packs must be a list");
    }

    [Fact]
    public void Settings_without_their_required_spec_are_refused_with_its_line()
    {
        var result = Parse("apiVersion: guardrails.dev/v1alpha1\nkind: PlatformSettings\nmetadata:\n  name: platform\n");

        result.Settings.ShouldBeNull();
        var error = result.Errors.First(e => e.Message.Contains("no spec", StringComparison.Ordinal));
        (error.File, error.Line).ShouldBe(("platform.yaml", 1));
        error.Message.ShouldBe("PlatformSettings has no spec (teams and tiers)");
    }

    [Fact]
    public void Invalid_yaml_is_an_error_with_its_line()
    {
        var error = SingleError("apiVersion: guardrails.dev/v1alpha1\nkind: PlatformSettings\nspec: [unclosed\n");

        error.Message.ShouldStartWith("invalid YAML");
        error.Line.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Settings_and_packs_share_a_file_and_each_reader_takes_only_its_own_documents()
    {
        var text = ProvisioningFixtures.BaselinePack + "\n---\n" + ProvisioningFixtures.SettingsYaml;

        var settings = PlatformSettingsParser.Parse(new PackSource("all.yaml", text));
        settings.Errors.ShouldBeEmpty();
        settings.Settings!.Line.ShouldBe(LineOf(text, "kind: PlatformSettings") - 1);

        var policy = PolicyCompiler.Compile([new PackSource("all.yaml", text)]);
        policy.Errors.ShouldBeEmpty();
        policy.Policy!.Packs.Select(p => p.Name).ShouldBe(["baseline"]);
    }

    [Fact]
    public void The_pack_directory_compiles_beside_a_platform_settings_file()
    {
        var directory = Path.Combine(Path.GetTempPath(), "guardrails-platform-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            File.WriteAllText(Path.Combine(directory, "baseline.yaml"), ProvisioningFixtures.BaselinePack);
            File.WriteAllText(Path.Combine(directory, "platform.yaml"), ProvisioningFixtures.SettingsYaml);

            var result = PackDirectory.Load(directory);

            result.Errors.ShouldBeEmpty();
            result.Policy!.Packs.Select(p => p.Name).ShouldBe(["baseline"]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void The_shipped_policies_directory_still_loads()
    {
        var result = PackDirectory.Load(RepoPaths.Policies);

        result.Errors.ShouldBeEmpty();
        result.Policy!.Packs.Select(p => p.Name).ShouldBe(["baseline", "day2"]);
    }
}
