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
        violation.Message.ShouldContain("8 released by its current version");
    }

    [Fact]
    public void An_update_that_does_not_grow_demand_passes_even_when_the_quota_is_already_over_used()
    {
        // The quota's hard limit was lowered below what runs: 4 pods × 2 = 8 used of 6.
        var cluster = ComputeQuota("{ requests.cpu: \"6\" }", "{ requests.cpu: \"8\" }");
        var relabelled = Deployment(4, "2").Replace("name: web,", "name: web, labels: { touched: \"yes\" },", StringComparison.Ordinal);

        Quota.Evaluate(relabelled, cluster: cluster, operation: AdmissionOperation.Update, oldYaml: Deployment(4, "2")).Violations.ShouldBeEmpty();
        Quota.Evaluate(Deployment(3, "2"), cluster: cluster, operation: AdmissionOperation.Update, oldYaml: Deployment(4, "2")).Violations.ShouldBeEmpty();
        Quota.Evaluate(Deployment(5, "2"), cluster: cluster, operation: AdmissionOperation.Update, oldYaml: Deployment(4, "2"))
            .Violations.ShouldHaveSingleItem().Message.ShouldContain("has -2 left");
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
    public void A_best_effort_quota_counts_only_pods_without_requests_or_limits()
    {
        var cluster = Policy.Cluster("""
            apiVersion: v1
            kind: ResourceQuota
            metadata: { name: best-effort, namespace: team-a }
            spec: { hard: { pods: "0" }, scopes: [BestEffort] }
            status: { used: { pods: "0" } }
            """);
        const string bestEffortPod = """
            apiVersion: v1
            kind: Pod
            metadata: { name: p, namespace: team-a }
            spec: { containers: [{ name: a, image: "x:1" }] }
            """;

        Quota.Evaluate(Deployment(3, "1"), cluster: cluster).Violations.ShouldBeEmpty();
        Quota.Evaluate(bestEffortPod, cluster: cluster).Violations.ShouldHaveSingleItem().Message.ShouldContain("ResourceQuota best-effort");
    }

    [Fact]
    public void A_priority_class_scope_selector_is_honoured()
    {
        var cluster = Policy.Cluster("""
            apiVersion: v1
            kind: ResourceQuota
            metadata: { name: high, namespace: team-a }
            spec:
              hard: { pods: "1" }
              scopeSelector: { matchExpressions: [{ scopeName: PriorityClass, operator: In, values: [high] }] }
            status: { used: { pods: "1" } }
            """);
        const string high = """
            apiVersion: v1
            kind: Pod
            metadata: { name: p, namespace: team-a }
            spec: { priorityClassName: high, containers: [{ name: a, image: "x:1" }] }
            """;

        Quota.Evaluate(high, cluster: cluster).Violations.ShouldHaveSingleItem().Message.ShouldContain("ResourceQuota high");
        Quota.Evaluate(high.Replace("priorityClassName: high", "priorityClassName: low", StringComparison.Ordinal), cluster: cluster).Violations.ShouldBeEmpty();
    }

    [Fact]
    public void A_scope_that_cannot_be_evaluated_is_reported_as_a_warning_not_guessed()
    {
        var cluster = Policy.Cluster("""
            apiVersion: v1
            kind: ResourceQuota
            metadata: { name: affinity, namespace: team-a }
            spec: { hard: { pods: "0" }, scopes: [CrossNamespacePodAffinity] }
            status: { used: { pods: "0" } }
            """);

        var verdict = Quota.Evaluate(Deployment(3, "1"), cluster: cluster);

        verdict.Allowed.ShouldBeTrue();
        var warning = verdict.Violations.ShouldHaveSingleItem();
        warning.Mode.ShouldBe(EnforcementMode.Warn);
        warning.Message.ShouldContain("cannot evaluate");
    }

    [Fact]
    public void Object_count_quotas_are_checked_on_create()
    {
        var cluster = ComputeQuota("{ count/deployments.apps: \"2\" }", "{ count/deployments.apps: \"2\" }");

        var violation = Quota.Evaluate(Deployment(1, "1"), cluster: cluster).Violations.ShouldHaveSingleItem();
        violation.Message.ShouldBe("Deployment team-a/web needs count/deployments.apps 1 (one more Deployment) but ResourceQuota compute in team-a has 0 left (2 hard, 2 used)");
        Quota.Evaluate(Deployment(1, "1"), cluster: cluster, operation: AdmissionOperation.Update, oldYaml: Deployment(1, "1")).Violations.ShouldBeEmpty();
    }

    [Fact]
    public void Reserved_quota_counts_as_used_and_admitted_demand_is_claimed()
    {
        var quota = ComputeQuota("{ requests.cpu: \"10\" }", "{ requests.cpu: \"4\" }");
        var verdict = Quota.Evaluate(Deployment(3, "1"), cluster: quota);
        verdict.Violations.ShouldBeEmpty();
        verdict.Claims.ShouldHaveSingleItem().ShouldBe(new QuotaClaim("team-a", "compute", "requests.cpu", new Guardrails.Policies.Quantities.Quantity(3)));

        var reserved = new State.ClusterSnapshot(
            new Dictionary<string, State.NamespaceInfo>(),
            new Dictionary<string, State.NamespaceQuota>
            {
                ["team-a"] = quota.GetQuota("team-a") with
                {
                    Quotas = [quota.GetQuota("team-a").Quotas[0] with { Reserved = new Dictionary<string, Guardrails.Policies.Quantities.Quantity> { ["requests.cpu"] = new(4) } }],
                },
            });
        var violation = Quota.Evaluate(Deployment(3, "1"), cluster: reserved).Violations.ShouldHaveSingleItem();
        violation.Message.ShouldContain("has 2 left (10 hard, 4 used, 4 reserved by requests admitted moments ago)");
    }

    [Theory]
    [InlineData("Allow", true)]
    [InlineData("Deny", false)]
    public void Unavailable_cluster_state_follows_the_pack_failure_mode(string mode, bool allowed)
    {
        var policy = Policy.Compile(Policy.Pack("quota-fits", $"          whenStateUnavailable: {mode}"));

        var verdict = policy.Evaluate(Deployment(3, "1"), cluster: new UnavailableCluster("watch for resourcequotas has not synced"));

        verdict.Allowed.ShouldBe(allowed);
        verdict.Violations.ShouldHaveSingleItem().Message.ShouldBe("quota was not checked: cluster state is unavailable (watch for resourcequotas has not synced)");
    }

    private sealed class UnavailableCluster(string reason) : State.IClusterSnapshot
    {
        public State.NamespaceInfo? GetNamespace(string name) => null;

        public State.NamespaceQuota GetQuota(string @namespace) => State.NamespaceQuota.None;

        public string? Unavailable => reason;
    }

    [Fact]
    public void Namespaces_without_quota_pass()
    {
        Quota.Evaluate(Deployment(300, "64")).Violations.ShouldBeEmpty();
    }
}
