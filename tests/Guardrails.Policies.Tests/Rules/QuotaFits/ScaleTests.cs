using System.Text.Json;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Tests.Support;

namespace Guardrails.Policies.Tests.Rules.QuotaFits;

/// <summary>Replica changes without a template (the scale subresource, an HPA's maxReplicas) judged from the target's summary.</summary>
public sealed class ScaleTests
{
    private static readonly State.ClusterSnapshot Cluster = Policy.Cluster("""
        apiVersion: v1
        kind: ResourceQuota
        metadata: { name: compute, namespace: team-a }
        spec: { hard: { requests.cpu: "2" } }
        status: { used: { requests.cpu: "2" } }
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: web, namespace: team-a, uid: dep-1 }
        spec:
          replicas: 4
          strategy: { rollingUpdate: { maxSurge: 1 } }
          template: { spec: { containers: [ { name: app, image: "x:1", resources: { requests: { cpu: 500m } } } ] } }
        """);

    private static Verdict Scale(CompiledPolicy policy, long from, long to)
    {
        using var scale = JsonDocument.Parse($$$"""{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"web","namespace":"team-a","uid":"dep-1"},"spec":{"replicas":{{{to}}}}}""");
        using var old = JsonDocument.Parse($$$"""{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"web","namespace":"team-a","uid":"dep-1"},"spec":{"replicas":{{{from}}}}}""");
        return policy.Evaluate(new EvaluationRequest
        {
            Group = "autoscaling",
            Kind = "Scale",
            SubResource = "scale",
            Operation = AdmissionOperation.Update,
            Namespace = "team-a",
            Name = "web",
            Object = scale.RootElement,
            OldObject = old.RootElement,
            Cluster = Cluster,
        });
    }

    [Fact]
    public void Refuses_a_scale_beyond_quota_with_the_arithmetic()
    {
        var policy = Policy.Compile(Policy.Pack("quota-fits", "          countSurge: false"));

        var verdict = Scale(policy, 4, 10);

        verdict.Allowed.ShouldBeFalse();
        var violation = verdict.Violations.ShouldHaveSingleItem();
        violation.Path.ShouldBe("spec.replicas");
        violation.Message.ShouldBe("Deployment team-a/web needs requests.cpu 5 (10 replicas × 500m) but ResourceQuota compute in team-a has 0 left (2 hard, 2 used; 2 released by its current version)");
        violation.Fix.ShouldBe("lower replicas or per-pod requests.cpu, or ask for a larger quota");
    }

    [Fact]
    public void Counts_the_surge_of_a_scaled_deployment_as_its_spec_would()
    {
        var verdict = Scale(Policy.Compile(Policy.Pack("quota-fits")), 4, 10);

        verdict.Violations.ShouldHaveSingleItem().Message.ShouldStartWith("Deployment team-a/web needs requests.cpu 5500m (11 pods × 500m: 10 replicas + 1 maxSurge)");
    }

    [Fact]
    public void Allows_a_scale_down_and_claims_nothing()
    {
        var verdict = Scale(Policy.Compile(Policy.Pack("quota-fits")), 4, 2);

        verdict.Allowed.ShouldBeTrue();
        verdict.Violations.ShouldBeEmpty();
        verdict.Claims.ShouldBeEmpty();
    }

    [Fact]
    public void Warns_about_an_hpa_whose_max_replicas_cannot_fit()
    {
        var policy = Policy.Compile(Policy.Pack("quota-fits", "          countSurge: false"));

        var verdict = policy.Evaluate("""
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: { name: web, namespace: team-a }
            spec:
              scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
              minReplicas: 2
              maxReplicas: 20
            """, cluster: Cluster);

        verdict.Allowed.ShouldBeTrue();
        var warning = verdict.Warnings.ShouldHaveSingleItem();
        warning.Path.ShouldBe("spec.maxReplicas");
        warning.Message.ShouldBe("HorizontalPodAutoscaler team-a/web may scale Deployment web to maxReplicas 20, which needs requests.cpu 10 (20 replicas × 500m) but ResourceQuota compute in team-a has 0 left (2 hard, 2 used; 2 released by its current version)");
        warning.Fix.ShouldBe("lower maxReplicas or per-pod requests.cpu, or ask for a larger quota");
        verdict.Claims.ShouldBeEmpty();
    }

    [Fact]
    public void A_scale_of_an_unknown_workload_is_skipped_saying_why()
    {
        using var scale = JsonDocument.Parse("""{"kind":"Scale","metadata":{"name":"ghost","uid":"nope"},"spec":{"replicas":3}}""");

        var verdict = Policy.Compile(Policy.Pack("quota-fits")).Evaluate(new EvaluationRequest
        {
            Group = "autoscaling",
            Kind = "Scale",
            SubResource = "scale",
            Operation = AdmissionOperation.Update,
            Namespace = "team-a",
            Name = "ghost",
            Object = scale.RootElement,
            Cluster = Cluster,
        });

        verdict.Allowed.ShouldBeTrue();
        verdict.SkippedBecause.ShouldNotBeNull().ShouldContain("not in the workload cache");
    }
}
