using Guardrails.Policies.Engine;
using Guardrails.Policies.Tests.Support;

namespace Guardrails.Policies.Tests.Rules.QuotaFits;

/// <summary>A controller's write for an admitted workload draws on that workload's share instead of asking for quota again.</summary>
public sealed class OwnerCoverageTests
{
    private static readonly CompiledPolicy Quota = Policy.Compile(Policy.Pack("quota-fits"));

    /// <summary>Quota cpu 2 with 1500m used by the Deployment's own three pods: 500m left.</summary>
    private static State.ClusterSnapshot State(string workloads) => Policy.Cluster($$"""
        apiVersion: v1
        kind: ResourceQuota
        metadata: { name: compute, namespace: team-a }
        spec: { hard: { requests.cpu: "2", pods: "6" } }
        status: { used: { requests.cpu: 1500m, pods: "3" } }
        ---
        {{workloads}}
        """);

    private const string Web = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: web, namespace: team-a, uid: dep-1 }
        spec:
          replicas: 3
          strategy: { rollingUpdate: { maxSurge: 1 } }
          template: { spec: { containers: [ { name: app, image: "x:1", resources: { requests: { cpu: 500m } } } ] } }
        """;

    private static string ReplicaSet(string name, string uid, int replicas, string cpu = "500m", string owner = "dep-1") => $$"""
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata:
          name: {{name}}
          namespace: team-a
          uid: {{uid}}
          ownerReferences: [ { apiVersion: apps/v1, kind: Deployment, name: web, uid: {{owner}}, controller: true } ]
        spec:
          replicas: {{replicas}}
          template: { spec: { containers: [ { name: app, image: "x:1", resources: { requests: { cpu: {{cpu}} } } } ] } }
        """;

    private static string Pod(string ownerKind, string ownerUid, string cpu = "500m") => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web-abc
          namespace: team-a
          uid: pod-1
          ownerReferences: [ { apiVersion: apps/v1, kind: {{ownerKind}}, name: owner, uid: {{ownerUid}}, controller: true } ]
        spec:
          containers: [ { name: app, image: "x:1", resources: { requests: { cpu: {{cpu}} } } } ]
        """;

    [Fact]
    public void Allows_the_replicaset_of_an_admitted_deployment_without_charging_it_again()
    {
        var verdict = Quota.Evaluate(ReplicaSet("web-1", "rs-1", 3), cluster: State(Web));

        verdict.Violations.ShouldBeEmpty();
        verdict.Claims.ShouldBeEmpty();
    }

    [Fact]
    public void Judges_a_replicaset_without_a_known_owner_on_its_own()
    {
        var verdict = Quota.Evaluate(ReplicaSet("web-1", "rs-1", 3, owner: "someone-else"), cluster: State(Web));

        verdict.Violations.ShouldHaveSingleItem().Message.ShouldBe(
            "ReplicaSet team-a/web-1 needs requests.cpu 1500m (3 replicas × 500m) but ResourceQuota compute in team-a has 500m left (2 hard, 1500m used)");
    }

    [Fact]
    public void Allows_the_pod_of_a_known_replicaset_when_it_asks_no_more_than_the_template()
    {
        var cluster = State(Web + "---\n" + ReplicaSet("web-1", "rs-1", 3));

        Quota.Evaluate(Pod("ReplicaSet", "rs-1"), cluster: cluster).Violations.ShouldBeEmpty();
        Quota.Evaluate(Pod("ReplicaSet", "rs-1", cpu: "600m"), cluster: cluster).Violations.ShouldHaveSingleItem().Message
            .ShouldContain("Pod team-a/web-abc needs requests.cpu 600m (1 pod × 600m)");
    }

    [Fact]
    public void A_pod_given_a_limitrange_default_its_owners_template_leaves_unset_is_still_its_owners()
    {
        // The template sets no memory at all; the LimitRanger gave the pod a default the cached summary never saw.
        // The quota is full with the Deployment's other pods: judged on its own, this pod would be refused.
        var cluster = Policy.Cluster($$"""
            apiVersion: v1
            kind: ResourceQuota
            metadata: { name: compute, namespace: team-a }
            spec: { hard: { requests.cpu: "2", requests.memory: 1Gi } }
            status: { used: { requests.cpu: "2", requests.memory: 512Mi } }
            ---
            {{Web}}
            ---
            {{ReplicaSet("web-1", "rs-1", 3)}}
            """);
        var pod = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web-abc
              namespace: team-a
              ownerReferences: [ { apiVersion: apps/v1, kind: ReplicaSet, name: web-1, uid: rs-1, controller: true } ]
            spec:
              containers: [ { name: app, image: "x:1", resources: { requests: { cpu: 500m, memory: 128Mi }, limits: { memory: 256Mi } } } ]
            """;

        Quota.Evaluate(pod, cluster: cluster).Violations.ShouldBeEmpty();
    }

    [Fact]
    public void Allows_a_rollouts_new_replicaset_within_replicas_plus_surge()
    {
        var cluster = State(Web + "---\n" + ReplicaSet("web-old", "rs-old", 3));

        var verdict = Quota.Evaluate(ReplicaSet("web-new", "rs-new", 1), cluster: cluster);

        verdict.Violations.ShouldBeEmpty();
    }

    [Fact]
    public void Judges_a_replicaset_scaled_beyond_its_owners_share_on_its_own()
    {
        var cluster = State(Web + "---\n" + ReplicaSet("web-1", "rs-1", 3));

        var verdict = Quota.Evaluate(ReplicaSet("web-1", "rs-1", 5), cluster: cluster, operation: AdmissionOperation.Update, oldYaml: ReplicaSet("web-1", "rs-1", 3));

        verdict.Violations.ShouldHaveSingleItem().Message.ShouldBe(
            "ReplicaSet team-a/web-1 needs requests.cpu 2500m (5 replicas × 500m) but ResourceQuota compute in team-a has 500m left (2 hard, 1500m used; 1500m released by its current version)");
    }

    [Fact]
    public void Allows_the_job_of_a_cronjob_and_its_pods()
    {
        var cluster = State("""
            apiVersion: batch/v1
            kind: CronJob
            metadata: { name: nightly, namespace: team-a, uid: cron-1 }
            spec:
              schedule: "0 3 * * *"
              jobTemplate: { spec: { parallelism: 1, template: { spec: { containers: [ { name: t, image: "x:1", resources: { requests: { cpu: 500m } } } ] } } } }
            ---
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: nightly-1
              namespace: team-a
              uid: job-1
              ownerReferences: [ { apiVersion: batch/v1, kind: CronJob, name: nightly, uid: cron-1, controller: true } ]
            spec: { parallelism: 1, template: { spec: { containers: [ { name: t, image: "x:1", resources: { requests: { cpu: 500m } } } ] } } }
            """);
        var job = """
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: nightly-2
              namespace: team-a
              uid: job-2
              ownerReferences: [ { apiVersion: batch/v1, kind: CronJob, name: nightly, uid: cron-1, controller: true } ]
            spec: { parallelism: 1, template: { spec: { containers: [ { name: t, image: "x:1", resources: { requests: { cpu: 500m } } } ] } } }
            """;

        var pod = Quota.Evaluate(Pod("Job", "job-1"), cluster: cluster);
        pod.Violations.ShouldBeEmpty();
        pod.Claims.ShouldBeEmpty();

        // A second Job running beside the first is more than the CronJob's one pod at a time: judged on its own,
        // it fits the 500m left and reserves it.
        var second = Quota.Evaluate(job, cluster: cluster);
        second.Violations.ShouldBeEmpty();
        second.Claims.ShouldContain(c => c.Resource == "requests.cpu" && c.Amount == Guardrails.Policies.Quantities.Quantity.Parse("500m"));
    }

    [Fact]
    public void A_finished_job_no_longer_holds_its_cronjobs_share()
    {
        var cluster = State("""
            apiVersion: batch/v1
            kind: CronJob
            metadata: { name: nightly, namespace: team-a, uid: cron-1 }
            spec:
              schedule: "0 3 * * *"
              jobTemplate: { spec: { template: { spec: { containers: [ { name: t, image: "x:1", resources: { requests: { cpu: 500m } } } ] } } } }
            ---
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: nightly-1
              namespace: team-a
              uid: job-1
              ownerReferences: [ { apiVersion: batch/v1, kind: CronJob, name: nightly, uid: cron-1, controller: true } ]
            spec: { template: { spec: { containers: [ { name: t, image: "x:1", resources: { requests: { cpu: 500m } } } ] } } }
            status: { conditions: [ { type: Complete, status: "True" } ] }
            """);

        var verdict = Quota.Evaluate("""
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: nightly-2
              namespace: team-a
              uid: job-2
              ownerReferences: [ { apiVersion: batch/v1, kind: CronJob, name: nightly, uid: cron-1, controller: true } ]
            spec: { template: { spec: { containers: [ { name: t, image: "x:1", resources: { requests: { cpu: 500m } } } ] } } }
            """, cluster: cluster);

        verdict.Violations.ShouldBeEmpty();
    }

    [Fact]
    public void Fix_for_a_pod_count_shortfall_asks_for_fewer_replicas_and_a_bare_pod_is_not_told_about_replicas()
    {
        var full = Policy.Cluster("""
            apiVersion: v1
            kind: ResourceQuota
            metadata: { name: compute, namespace: team-a }
            spec: { hard: { pods: "1" } }
            status: { used: { pods: "1" } }
            """);

        Quota.Evaluate(ReplicaSet("web-1", "rs-1", 2, owner: "nobody"), cluster: full).Violations.ShouldHaveSingleItem().Fix
            .ShouldBe("lower replicas, or ask for a larger quota");
        Quota.Evaluate(Pod("ReplicaSet", "nobody"), cluster: full).Violations.ShouldHaveSingleItem().Fix
            .ShouldBe("delete pods you no longer need, or ask for a larger quota");
    }
}
