using Guardrails.Policies.Engine;
using Guardrails.Policies.Tests.Support;

namespace Guardrails.Policies.Tests.Rules;

public sealed class QuotaFitsRuleTests
{
    private static readonly CompiledPolicy Quota = Policy.Compile(Policy.Pack("quota-fits"));

    private static State.ClusterSnapshot ComputeQuota(string hard, string used, string extra = "") => Policy.Cluster($$"""
        apiVersion: v1
        kind: ResourceQuota
        metadata: { name: compute, namespace: team-a }
        spec: { hard: {{hard}} }
        status: { hard: {{hard}}, used: {{used}} }
        {{extra}}
        """);

    private static string Deployment(int replicas, string cpu, string strategy = "strategy: { type: Recreate }", string name = "web") => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: {{name}}, namespace: team-a }
        spec:
          replicas: {{replicas}}
          {{strategy}}
          template:
            spec:
              containers:
              - { name: app, image: "x:1", resources: { requests: { cpu: "{{cpu}}", memory: 1Gi }, limits: { memory: 1Gi } } }
        """;

    [Fact]
    public void Denies_deployment_that_does_not_fit_with_the_arithmetic()
    {
        var cluster = ComputeQuota("{ requests.cpu: \"20\" }", "{ requests.cpu: \"16\" }");

        var verdict = Quota.Evaluate(Deployment(3, "2"), cluster: cluster);

        var violation = verdict.Violations.ShouldHaveSingleItem();
        violation.RuleId.ShouldBe("quota-fits");
        violation.Path.ShouldBe("spec");
        violation.Actual.ShouldBe("requests.cpu 6");
        violation.Message.ShouldBe("Deployment team-a/web needs requests.cpu 6 (3 replicas × 2) but ResourceQuota compute in team-a has 4 left (20 hard, 16 used)");
        violation.Fix.ShouldContain("larger quota");
    }

    [Fact]
    public void Allows_a_deployment_that_fits_exactly_across_units()
    {
        var cluster = ComputeQuota("{ requests.memory: 4Gi }", "{ requests.memory: 1024Mi }");

        Quota.Evaluate(Deployment(3, "1"), cluster: cluster).Violations.ShouldBeEmpty();
        Quota.Evaluate(Deployment(4, "1"), cluster: cluster).Violations.ShouldHaveSingleItem().Actual.ShouldBe("requests.memory 4Gi");
    }

    [Fact]
    public void Counts_the_rolling_update_surge_rounded_up()
    {
        var cluster = ComputeQuota("{ pods: \"4\" }", "{ pods: \"0\" }");

        // 4 replicas + ceil(25% of 4) = 5 pods during a rollout.
        var violation = Quota.Evaluate(Deployment(4, "1", strategy: ""), cluster: cluster).Violations.ShouldHaveSingleItem();
        violation.Message.ShouldContain("needs pods 5 (4 replicas + 1 maxSurge)");
    }

    [Fact]
    public void Uses_the_effective_pod_request_when_an_init_container_needs_more()
    {
        var cluster = ComputeQuota("{ requests.cpu: \"5\" }", "{ requests.cpu: \"0\" }");
        var pod = """
            apiVersion: v1
            kind: Pod
            metadata: { name: p, namespace: team-a }
            spec:
              initContainers: [{ name: init, image: "x:1", resources: { requests: { cpu: "6" } } }]
              containers:
              - { name: a, image: "x:1", resources: { requests: { cpu: "1" } } }
              - { name: b, image: "x:1", resources: { requests: { cpu: "1" } } }
            """;

        Quota.Evaluate(pod, cluster: cluster).Violations.ShouldHaveSingleItem().Actual.ShouldBe("requests.cpu 6");
    }

    [Fact]
    public void Sidecar_init_containers_add_to_the_app_containers()
    {
        var cluster = ComputeQuota("{ requests.cpu: \"2\" }", "{ requests.cpu: \"0\" }");
        var pod = """
            apiVersion: v1
            kind: Pod
            metadata: { name: p, namespace: team-a }
            spec:
              initContainers: [{ name: proxy, image: "x:1", restartPolicy: Always, resources: { requests: { cpu: 500m } } }]
              containers: [{ name: a, image: "x:1", resources: { requests: { cpu: "2" } } }]
            """;

        Quota.Evaluate(pod, cluster: cluster).Violations.ShouldHaveSingleItem().Actual.ShouldBe("requests.cpu 2500m");
    }

    [Fact]
    public void LimitRange_defaults_fill_containers_that_omit_requests()
    {
        var cluster = ComputeQuota("{ requests.cpu: \"1\", limits.cpu: \"1\" }", "{ requests.cpu: \"0\", limits.cpu: \"0\" }", """
            ---
            apiVersion: v1
            kind: LimitRange
            metadata: { name: defaults, namespace: team-a }
            spec:
              limits:
              - type: Container
                default: { cpu: 800m }
                defaultRequest: { cpu: 300m }
            """);
        var pod = """
            apiVersion: v1
            kind: Pod
            metadata: { name: p, namespace: team-a }
            spec:
              containers: [{ name: a, image: "x:1" }, { name: b, image: "x:1" }]
            """;

        var violations = Quota.Evaluate(pod, cluster: cluster).Violations;

        violations.ShouldHaveSingleItem().Actual.ShouldBe("limits.cpu 1600m");
    }

    [Fact]
    public void Without_a_request_or_LimitRange_default_the_quota_would_refuse_the_pods()
    {
        var cluster = ComputeQuota("{ requests.cpu: \"4\" }", "{ requests.cpu: \"0\" }");
        var pod = """
            apiVersion: v1
            kind: Pod
            metadata: { name: p, namespace: team-a }
            spec:
              containers: [{ name: a, image: "x:1" }]
            """;

        var violation = Quota.Evaluate(pod, cluster: cluster).Violations.ShouldHaveSingleItem();
        violation.Path.ShouldBe("spec.containers");
        violation.Message.ShouldContain("a container sets no requests.cpu and no LimitRange gives a default");
    }

    [Fact]
    public void An_update_releases_the_current_share_first()
    {
        var cluster = ComputeQuota("{ requests.cpu: \"10\" }", "{ requests.cpu: \"8\" }");

        // The old version's 4 pods × 2 are part of "used": growing to 5 needs only 2 more.
        Quota.Evaluate(Deployment(5, "2"), cluster: cluster, operation: AdmissionOperation.Update, oldYaml: Deployment(4, "2"))
            .Violations.ShouldBeEmpty();
        var violation = Quota.Evaluate(Deployment(6, "2"), cluster: cluster, operation: AdmissionOperation.Update, oldYaml: Deployment(4, "2"))
            .Violations.ShouldHaveSingleItem();
        violation.Message.ShouldContain("after releasing 8 held by its current version");
    }

    [Fact]
    public void Jobs_count_parallelism_capped_by_completions()
    {
        var cluster = ComputeQuota("{ pods: \"3\" }", "{ pods: \"0\" }");
        var job = """
            apiVersion: batch/v1
            kind: Job
            metadata: { name: j, namespace: team-a }
            spec:
              parallelism: 5
              completions: 3
              template:
                spec:
                  containers: [{ name: a, image: "x:1" }]
            """;

        Quota.Evaluate(job, cluster: cluster).Violations.ShouldBeEmpty();
    }

    [Fact]
    public void Scoped_quotas_are_not_guessed_at()
    {
        var cluster = Policy.Cluster("""
            apiVersion: v1
            kind: ResourceQuota
            metadata: { name: best-effort, namespace: team-a }
            spec: { hard: { pods: "0" }, scopes: [BestEffort] }
            status: { used: { pods: "0" } }
            """);

        Quota.Evaluate(Deployment(3, "1"), cluster: cluster).Violations.ShouldBeEmpty();
    }

    [Fact]
    public void Namespaces_without_quota_pass()
    {
        Quota.Evaluate(Deployment(300, "64")).Violations.ShouldBeEmpty();
    }
}
