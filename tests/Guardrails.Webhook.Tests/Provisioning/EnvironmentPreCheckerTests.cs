using Guardrails.Policies.Engine;
using Guardrails.Policies.Packs;
using Guardrails.Tests;
using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Provisioning;

namespace Guardrails.Webhook.Tests.Provisioning;

public sealed class EnvironmentPreCheckerTests
{
    private static readonly PlatformSettings Settings = ProvisioningFixtures.Settings();

    private static Func<string, NamespaceOwnership> Owner(NamespaceOwnership ownership = NamespaceOwnership.Absent) => _ => ownership;

    /// <summary>A request team-a's budget (16 cpu, 64Gi, 100Gi storage, 50 pods) has room for.</summary>
    private static EnvironmentRequest Fitting(string name = "web", string tier = "dev", string cpu = "4", string memory = "16Gi") =>
        ProvisioningFixtures.Request(name: name, tier: tier, cpu: cpu, memory: memory, storage: "10Gi", pods: "10");

    private static PreCheckResult Check(
        EnvironmentRequest request,
        PlatformSettings? settings = null,
        CompiledPolicy? policy = null,
        IReadOnlyList<EnvironmentRequest>? existing = null,
        NamespaceOwnership ownership = NamespaceOwnership.Absent) =>
        EnvironmentPreChecker.PreCheck(request, settings ?? Settings, policy ?? ProvisioningFixtures.Baseline, existing ?? [], Owner(ownership));

    private static PlatformSettings With(string find, string replace)
    {
        ProvisioningFixtures.SettingsYaml.ShouldContain(find);
        return ProvisioningFixtures.Settings(ProvisioningFixtures.SettingsYaml.Replace(find, replace, StringComparison.Ordinal));
    }

    private static Violation Single(PreCheckResult result, string rule)
    {
        result.Passed.ShouldBeFalse();
        return result.Reasons.Where(r => r.RuleId == rule).ShouldHaveSingleItem($"one {rule} reason among: {string.Join("; ", result.Reasons)}");
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public void A_request_that_fits_passes_with_its_plan(string tier)
    {
        var result = Check(Fitting(tier: tier));

        result.Reasons.ShouldBeEmpty();
        result.Warnings.ShouldBeEmpty();
        result.Passed.ShouldBeTrue();
        result.Plan.Namespace.ShouldBe("team-a-web");
        result.Plan.Objects.Count.ShouldBe(12);
    }

    [Fact]
    public void The_shipped_packs_and_settings_accept_a_reasonable_request()
    {
        var policy = PackDirectory.Load(RepoPaths.Policies);
        var file = Path.Combine(RepoPaths.Policies, "platform.yaml");
        var settings = PlatformSettingsParser.Parse(new PackSource(file, File.ReadAllText(file)));

        foreach (var tier in PlatformSettings.KnownTiers)
        {
            var result = EnvironmentPreChecker.PreCheck(
                ProvisioningFixtures.Request(tier: tier, cpu: "2", memory: "4Gi", storage: "10Gi", pods: "10"),
                settings.Settings!,
                policy.Policy!,
                [],
                Owner());

            result.Reasons.ShouldBeEmpty(tier);
        }
    }

    [Theory]
    [InlineData("team-a", "Web", "spec.name", "name 'Web' is not a DNS-1123 label")]
    [InlineData("team-a", "web_1", "spec.name", "name 'web_1' is not a DNS-1123 label")]
    [InlineData("team-a", "", "spec.name", "name '' is not a DNS-1123 label")]
    [InlineData("Team_A", "web", "spec.team", "team 'Team_A' is not a DNS-1123 label")]
    [InlineData("team-a", "team-a-web", "spec.name", "name 'team-a-web' already starts with the team 'team-a', so the namespace would be 'team-a-team-a-web'")]
    public void Names_must_make_a_valid_namespace(string team, string name, string path, string message)
    {
        var result = Check(ProvisioningFixtures.Request(team: team, name: name, storage: "10Gi", pods: "10"));

        var reason = Single(result, PreCheckRules.EnvironmentName);
        reason.Path.ShouldBe(path);
        reason.Message.ShouldStartWith(message);
        reason.Fix.ShouldNotBeNullOrWhiteSpace();
        reason.Mode.ShouldBe(EnforcementMode.Enforce);
        reason.Pack.ShouldBe(PreCheckRules.Pack);
    }

    [Fact]
    public void The_team_prefix_repeated_is_explained_with_the_name_to_use_instead()
    {
        var reason = Single(Check(Fitting(name: "team-a-web")), PreCheckRules.EnvironmentName);

        reason.Fix.ShouldBe("use 'web' as spec.name: the team is prefixed automatically");
    }

    [Fact]
    public void The_namespace_must_fit_63_characters()
    {
        var name = new string('x', 57);

        var reason = Single(Check(Fitting(name: name)), PreCheckRules.EnvironmentName);

        reason.Path.ShouldBe("spec.name");
        reason.Message.ShouldBe($"the namespace 'team-a-{name}' would be 64 characters, above Kubernetes' limit of 63");
        reason.Fix.ShouldBe("shorten spec.name to at most 56 characters");
        Check(Fitting(name: name[1..])).Reasons.ShouldBeEmpty();
    }

    [Fact]
    public void A_team_whose_namespaces_would_start_with_kube_is_refused()
    {
        var settings = With("    team-b:", "    kube:");

        var reason = Single(Check(ProvisioningFixtures.Request(team: "kube", name: "tools"), settings), PreCheckRules.EnvironmentName);

        reason.Path.ShouldBe("spec.team");
        reason.Message.ShouldBe("the namespace 'kube-tools' would start with 'kube-', which Kubernetes reserves for its own namespaces");
    }

    [Fact]
    public void An_unknown_tier_is_refused_with_the_tiers_on_offer_and_nothing_is_planned()
    {
        var result = Check(Fitting(tier: "qa"));

        var reason = Single(result, PreCheckRules.Tier);
        reason.Path.ShouldBe("spec.tier");
        reason.Actual.ShouldBe("qa");
        reason.Message.ShouldBe("tier 'qa' is not offered by the platform (offered: dev, staging, prod)");
        reason.Fix.ShouldBe("use one of: dev, staging, prod");
        result.Plan.ShouldBeNull();
    }

    [Fact]
    public void A_team_not_in_the_settings_has_no_budget_and_is_refused()
    {
        var reason = Single(Check(ProvisioningFixtures.Request(team: "team-z")), PreCheckRules.Team);

        reason.Path.ShouldBe("spec.team");
        reason.Message.ShouldBe("team 'team-z' is not in the platform settings, so it has no budget and cannot have environments");
        reason.Fix.ShouldBe("ask the platform team to add 'team-z' with a budget under spec.teams in platform.yaml");
    }

    [Theory]
    [InlineData(NamespaceOwnership.NotOwnedByGuardrails, "namespace 'team-a-web' already exists and Guardrails does not manage it")]
    [InlineData(NamespaceOwnership.OwnedByGuardrailsOtherEnvironment, "namespace 'team-a-web' already belongs to another Environment")]
    public void A_namespace_Guardrails_does_not_own_for_this_environment_is_never_taken(NamespaceOwnership ownership, string message)
    {
        var reason = Single(Check(Fitting(), ownership: ownership), PreCheckRules.NamespaceOwner);

        reason.Path.ShouldBe("spec.name");
        reason.Message.ShouldStartWith(message);
    }

    [Fact]
    public void The_namespace_this_environment_already_owns_is_fine_to_apply_again()
    {
        Check(Fitting(), ownership: NamespaceOwnership.OwnedByThisEnvironment).Passed.ShouldBeTrue();
    }

    [Fact]
    public void The_namespace_owner_is_asked_about_the_planned_namespace()
    {
        var asked = new List<string>();
        EnvironmentPreChecker.PreCheck(Fitting(), Settings, ProvisioningFixtures.Baseline, [], ns =>
        {
            asked.Add(ns);
            return NamespaceOwnership.Absent;
        });

        asked.ShouldBe(["team-a-web"]);
    }

    [Fact]
    public void Over_budget_is_refused_with_the_arithmetic()
    {
        var settings = With("budget: { cpu: \"16\", memory: 64Gi, storage: 100Gi, pods: \"50\" }", "budget: { cpu: \"8\" }");
        IReadOnlyList<EnvironmentRequest> existing = [Fitting("a", cpu: "4"), Fitting("b", cpu: "2"), Fitting("c", cpu: "2")];

        var reason = Single(Check(Fitting(cpu: "2"), settings, existing: existing), PreCheckRules.TeamBudget);

        reason.Path.ShouldBe("spec.resources.cpu");
        reason.Actual.ShouldBe("2");
        reason.Message.ShouldBe("team team-a would use cpu 10 (8 in 3 environments + 2 requested) but its budget is 8");
        reason.Fix.ShouldBe("the team has no cpu left: delete an environment it no longer needs, or ask the platform team to raise team team-a's cpu budget in platform.yaml");
    }

    [Fact]
    public void Budget_arithmetic_is_exact_across_units_and_says_what_is_left()
    {
        IReadOnlyList<EnvironmentRequest> existing = [Fitting("a", memory: "32Gi"), Fitting("b", memory: "24576Mi")];

        var result = Check(Fitting(memory: "16Gi"), existing: existing);

        var reason = Single(result, PreCheckRules.TeamBudget);
        reason.Path.ShouldBe("spec.resources.memory");
        reason.Message.ShouldBe("team team-a would use memory 72Gi (56Gi in 2 environments + 16Gi requested) but its budget is 64Gi");
        reason.Fix.ShouldStartWith("ask for at most 8Gi memory (what the team has left)");
        Check(Fitting(memory: "8Gi"), existing: existing).Passed.ShouldBeTrue();
    }

    [Fact]
    public void Every_budgeted_resource_is_checked_at_once()
    {
        IReadOnlyList<EnvironmentRequest> existing = [ProvisioningFixtures.Request(name: "big", cpu: "15", memory: "60Gi", storage: "95Gi", pods: "45")];

        var result = Check(Fitting(cpu: "2", memory: "8Gi"), existing: existing);

        result.Reasons.Select(r => (r.RuleId, r.Path)).ShouldBe(
        [
            (PreCheckRules.TeamBudget, "spec.resources.cpu"),
            (PreCheckRules.TeamBudget, "spec.resources.memory"),
            (PreCheckRules.TeamBudget, "spec.resources.storage"),
            (PreCheckRules.TeamBudget, "spec.resources.pods"),
        ]);
        result.Reasons[3].Message.ShouldBe("team team-a would use pods 55 (45 in 1 environment + 10 requested) but its budget is 50");
    }

    [Fact]
    public void The_environment_itself_is_not_counted_twice_nor_other_teams_environments()
    {
        IReadOnlyList<EnvironmentRequest> existing =
        [
            Fitting("web", cpu: "16"),
            ProvisioningFixtures.Request(team: "team-b", name: "huge", cpu: "100", memory: "1Ti"),
        ];

        Check(Fitting("web", cpu: "16"), existing: existing).Reasons.ShouldBeEmpty();
    }

    [Fact]
    public void A_budgeted_resource_left_unset_is_refused_because_the_quota_would_not_limit_it()
    {
        var result = Check(ProvisioningFixtures.Request(storage: "10Gi"));

        var reason = Single(result, PreCheckRules.TeamBudget);
        reason.Path.ShouldBe("spec.resources.pods");
        reason.Actual.ShouldBe("unset");
        reason.Message.ShouldBe("team team-a has a pods budget of 50, so each of its environments must set spec.resources.pods");
    }

    [Fact]
    public void A_team_with_an_empty_budget_is_not_limited()
    {
        Check(ProvisioningFixtures.Request(team: "team-b", cpu: "1000", memory: "10Ti")).Reasons.ShouldBeEmpty();
    }

    [Fact]
    public void A_tier_is_refused_when_a_pack_it_requires_is_missing_or_disabled()
    {
        var other = ProvisioningFixtures.Policy(ProvisioningFixtures.BaselinePack.Replace("name: baseline", "name: other", StringComparison.Ordinal));
        var missing = Single(Check(Fitting(), policy: other), PreCheckRules.TierPacks);
        missing.Path.ShouldBe("spec.tier");
        missing.Message.ShouldBe("tier dev requires rule pack 'baseline', which is not loaded");

        var disabled = ProvisioningFixtures.Policy(ProvisioningFixtures.BaselinePack.Replace("spec:\n", "spec:\n  enabled: false\n", StringComparison.Ordinal));
        Single(Check(Fitting(), policy: disabled), PreCheckRules.TierPacks).Message
            .ShouldBe("tier dev requires rule pack 'baseline', which is loaded but disabled (spec.enabled: false in pack0.yaml)");
    }

    [Fact]
    public void Tier_defaults_that_would_leave_pods_without_a_cpu_request_are_refused()
    {
        var settings = With("default: { cpu: 500m, memory: 1Gi }\n        defaultRequest: { cpu: 200m, memory: 256Mi }\n      network", "default: { memory: 1Gi }\n      network");

        var result = Check(Fitting(), settings);

        result.Passed.ShouldBeFalse();
        result.Plan.ShouldNotBeNull();
        var requirements = Single(result, "resource-requirements");
        requirements.Path.ShouldBe("spec.tier");
        requirements.Actual.ShouldBe("dev");
        requirements.Pack.ShouldBe("baseline");
        requirements.Message.ShouldBe(
            "a pod that sets no resources in this dev environment gets the tier's LimitRange defaults (default memory 1Gi; defaultRequest none), " +
            "and pack 'baseline' would still refuse it: container 'app' has no CPU request");
        requirements.Fix.ShouldStartWith("the platform team must change spec.tiers.dev.limitRange in platform.yaml so those defaults pass resource-requirements");

        // The quota limits cpu, so Kubernetes itself would refuse such pods: quota-fits says so too, per quota key.
        result.Reasons.Where(r => r.RuleId == "quota-fits").Select(r => (r.Path, r.Message[(r.Message.IndexOf("limits ", StringComparison.Ordinal))..])).ShouldBe(
        [
            ("spec.tier", "limits requests.cpu, so Kubernetes will refuse Pod team-a-web/guardrails-defaults-probe's pods: a container sets no requests.cpu and no LimitRange gives a default"),
            ("spec.tier", "limits limits.cpu, so Kubernetes will refuse Pod team-a-web/guardrails-defaults-probe's pods: a container sets no limits.cpu and no LimitRange gives a default"),
        ]);
    }

    [Fact]
    public void An_environment_too_small_for_one_default_pod_is_refused()
    {
        var result = Check(Fitting(cpu: "100m"));

        result.Passed.ShouldBeFalse();
        result.Reasons.ShouldAllBe(r => r.RuleId == "quota-fits" && r.Path == "spec.tier");
        result.Reasons.Select(r => r.Message[(r.Message.IndexOf("Pod ", StringComparison.Ordinal))..]).ShouldBe(
        [
            "Pod team-a-web/guardrails-defaults-probe needs requests.cpu 200m (1 pod × 200m) but ResourceQuota default-resourcequota in team-a-web has 100m left (100m hard, 0 used)",
            "Pod team-a-web/guardrails-defaults-probe needs limits.cpu 500m (1 pod × 500m) but ResourceQuota default-resourcequota in team-a-web has 100m left (100m hard, 0 used)",
        ]);
    }

    [Fact]
    public void Warn_mode_findings_are_warnings_not_reasons()
    {
        var warnOnly = ProvisioningFixtures.Policy("""
            apiVersion: guardrails.dev/v1alpha1
            kind: RulePack
            metadata:
              name: baseline
            spec:
              rules:
                - id: resource-requirements
                  mode: Warn
                  parameters: { required: [limits.cpu] }
            """);
        var settings = With("default: { cpu: 500m, memory: 1Gi }\n        defaultRequest: { cpu: 200m, memory: 256Mi }\n      network", "default: { memory: 1Gi }\n      network");

        var result = Check(Fitting(), settings, warnOnly);

        result.Passed.ShouldBeTrue();
        var warning = result.Warnings.ShouldHaveSingleItem();
        warning.Mode.ShouldBe(EnforcementMode.Warn);
        warning.Message.ShouldEndWith("container 'app' has no CPU limit");
    }

    [Fact]
    public void Every_reason_is_reported_at_once()
    {
        var settings = With("default: { cpu: 500m, memory: 1Gi }\n        defaultRequest: { cpu: 200m, memory: 256Mi }\n      network", "default: { memory: 1Gi }\n      network");
        IReadOnlyList<EnvironmentRequest> existing = [Fitting("other", cpu: "15")];

        var result = Check(
            ProvisioningFixtures.Request(name: "team-a-web", cpu: "2", memory: "80Gi", storage: "10Gi"),
            settings,
            existing: existing,
            ownership: NamespaceOwnership.NotOwnedByGuardrails);

        result.Passed.ShouldBeFalse();
        result.Reasons.Select(r => (r.RuleId, r.Path)).ShouldBe(
        [
            (PreCheckRules.EnvironmentName, "spec.name"),
            (PreCheckRules.NamespaceOwner, "spec.name"),
            (PreCheckRules.TeamBudget, "spec.resources.cpu"),
            (PreCheckRules.TeamBudget, "spec.resources.memory"),
            (PreCheckRules.TeamBudget, "spec.resources.pods"),
            ("resource-requirements", "spec.tier"),
            ("quota-fits", "spec.tier"),
            ("quota-fits", "spec.tier"),
        ]);
        result.Reasons.ShouldAllBe(r => r.Fix.Length > 0 && r.Message.Length > 0);
    }

    [Fact]
    public void Unknown_team_and_tier_and_bad_name_are_all_reported_together()
    {
        var result = Check(ProvisioningFixtures.Request(team: "team-z", name: "Bad", tier: "qa"), ownership: NamespaceOwnership.OwnedByGuardrailsOtherEnvironment);

        result.Reasons.Select(r => r.RuleId).ShouldBe(
        [
            PreCheckRules.EnvironmentName,
            PreCheckRules.NamespaceOwner,
            PreCheckRules.Team,
            PreCheckRules.Tier,
        ]);
        result.Plan.ShouldBeNull();
    }
}
