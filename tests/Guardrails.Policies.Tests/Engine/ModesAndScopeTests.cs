using Guardrails.Policies.Engine;
using Guardrails.Policies.Tests.Support;

namespace Guardrails.Policies.Tests.Engine;

public sealed class ModesAndScopeTests
{
    private const string UntaggedPod = """
        apiVersion: v1
        kind: Pod
        metadata: { name: web }
        spec:
          containers: [{ name: app, image: nginx }]
        """;

    [Theory]
    [InlineData("Enforce", false)]
    [InlineData("Warn", true)]
    [InlineData("Audit", true)]
    public void Mode_decides_whether_a_violation_denies(string mode, bool allowed)
    {
        var verdict = Policy.Compile(Policy.Pack("image-tag", mode: mode)).Evaluate(UntaggedPod);

        verdict.Allowed.ShouldBe(allowed);
        verdict.Violations.ShouldHaveSingleItem().Mode.ToString().ShouldBe(mode);
    }

    [Fact]
    public void Off_mode_does_not_evaluate_the_rule()
    {
        var verdict = Policy.Compile(Policy.Pack("image-tag", mode: "Off")).Evaluate(UntaggedPod);

        verdict.Violations.ShouldBeEmpty();
        verdict.SkippedBecause.ShouldNotBeNull();
    }

    [Fact]
    public void Kinds_without_pods_pass_untouched()
    {
        var verdict = Policy.Compile(Policy.Pack("image-tag")).Evaluate("""
            apiVersion: v1
            kind: ConfigMap
            metadata: { name: c }
            data: { image: nginx }
            """);

        verdict.Allowed.ShouldBeTrue();
        verdict.SkippedBecause.ShouldBe("ConfigMap has no pod template: no rule applies to it");
    }

    [Fact]
    public void A_deployment_in_another_api_group_is_not_a_workload()
    {
        var verdict = Policy.Compile(Policy.Pack("image-tag")).Evaluate("""
            apiVersion: example.com/v1
            kind: Deployment
            metadata: { name: c }
            spec: { template: { spec: { containers: [{ name: a, image: nginx }] } } }
            """);

        verdict.SkippedBecause.ShouldNotBeNull();
    }

    [Theory]
    [InlineData("kube-system")]
    [InlineData("kube-public")]
    [InlineData("kube-node-lease")]
    public void System_namespaces_are_excluded_unless_a_pack_opts_in(string ns)
    {
        var excluded = Policy.Compile(Policy.Pack("image-tag")).Evaluate(UntaggedPod, @namespace: ns);
        excluded.Allowed.ShouldBeTrue();
        excluded.SkippedBecause.ShouldBe($"no enabled rule applies in namespace {ns}");

        var optedIn = Policy.Compile("""
            apiVersion: guardrails.dev/v1alpha1
            kind: RulePack
            metadata: { name: system }
            spec:
              scope: { includeSystemNamespaces: true }
              rules: [{ id: image-tag }]
            """).Evaluate(UntaggedPod, @namespace: ns);
        optedIn.Allowed.ShouldBeFalse();
    }

    [Fact]
    public void Guardrails_own_namespace_is_excluded()
    {
        var result = PolicyCompiler.Compile([new Guardrails.Policies.Packs.PackSource("p.yaml", Policy.Pack("image-tag"))], options: new PolicyOptions { OwnNamespace = "guardrails" });

        result.Policy!.Evaluate(UntaggedPod, @namespace: "guardrails").Allowed.ShouldBeTrue();
        result.Policy!.Evaluate(UntaggedPod, @namespace: "team-a").Allowed.ShouldBeFalse();
    }

    [Fact]
    public void Pack_and_rule_scopes_narrow_by_name_and_label()
    {
        var policy = Policy.Compile("""
            apiVersion: guardrails.dev/v1alpha1
            kind: RulePack
            metadata: { name: prod }
            spec:
              scope:
                namespaceSelector:
                  matchLabels: { tier: prod }
                  matchExpressions: [{ key: team, operator: NotIn, values: [platform] }]
              rules:
                - id: image-tag
                  scope: { excludeNamespaces: [prod-sandbox] }
            """);
        var cluster = Policy.Cluster("""
            apiVersion: v1
            kind: Namespace
            metadata: { name: prod-a, labels: { tier: prod, team: a } }
            ---
            apiVersion: v1
            kind: Namespace
            metadata: { name: prod-sandbox, labels: { tier: prod, team: a } }
            ---
            apiVersion: v1
            kind: Namespace
            metadata: { name: prod-platform, labels: { tier: prod, team: platform } }
            ---
            apiVersion: v1
            kind: Namespace
            metadata: { name: dev-a, labels: { tier: dev } }
            """);

        policy.Evaluate(UntaggedPod, cluster: cluster, @namespace: "prod-a").Allowed.ShouldBeFalse();
        policy.Evaluate(UntaggedPod, cluster: cluster, @namespace: "prod-sandbox").Allowed.ShouldBeTrue();
        policy.Evaluate(UntaggedPod, cluster: cluster, @namespace: "prod-platform").Allowed.ShouldBeTrue();
        policy.Evaluate(UntaggedPod, cluster: cluster, @namespace: "dev-a").Allowed.ShouldBeTrue();
        policy.Evaluate(UntaggedPod, cluster: cluster, @namespace: "unknown").Allowed.ShouldBeTrue();
    }

    [Fact]
    public void Every_rule_reports_in_one_verdict()
    {
        var policy = Policy.Compile(File.ReadAllText(Path.Combine(Guardrails.Tests.RepoPaths.Policies, "baseline.yaml")));

        var verdict = policy.Evaluate(UntaggedPod);

        verdict.Violations.Select(v => v.RuleId).Distinct().ShouldBe(["run-as-non-root", "resource-requirements", "image-tag"]);
        verdict.Violations.Count.ShouldBe(5);
    }

    [Fact]
    public void A_workload_without_a_pod_spec_is_invalid_input()
    {
        var error = Should.Throw<InvalidObjectException>(() => Policy.Compile(Policy.Pack("image-tag")).Evaluate("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: web }
            spec: { replicas: 1 }
            """));

        error.Message.ShouldBe("Deployment 'web' has no pod spec at spec.template.spec");
    }
}
