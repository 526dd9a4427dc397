using Guardrails.Policies.Tests.Support;

namespace Guardrails.Policies.Tests.Rules;

public sealed class ResourceRequirementsRuleTests
{
    private static readonly Guardrails.Policies.Engine.CompiledPolicy Default = Policy.Compile(Policy.Pack("resource-requirements"));

    [Fact]
    public void Denies_pod_without_memory_limit()
    {
        var verdict = Default.Evaluate("""
            apiVersion: v1
            kind: Pod
            metadata: { name: web }
            spec:
              containers:
              - name: app
                image: nginx:1.27
                resources: { requests: { cpu: 100m, memory: 128Mi } }
            """);

        var violation = verdict.Violations.ShouldHaveSingleItem();
        violation.Path.ShouldBe("spec.containers[0].resources.limits.memory");
        violation.Actual.ShouldBe("unset");
        violation.Message.ShouldBe("container 'app' has no memory limit");
        violation.Fix.ShouldBe("set resources.limits.memory (for example 256Mi)");
    }

    [Fact]
    public void By_default_a_cpu_limit_is_not_required()
    {
        Default.Evaluate("""
            apiVersion: v1
            kind: Pod
            metadata: { name: web }
            spec:
              containers:
              - { name: app, image: "nginx:1.27", resources: { requests: { cpu: "0.5", memory: 128Mi }, limits: { memory: 128Mi } } }
            """).Violations.ShouldBeEmpty();
    }

    [Fact]
    public void Init_containers_are_checked_and_ephemeral_containers_are_exempt()
    {
        var verdict = Default.Evaluate("""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: { name: db }
            spec:
              template:
                spec:
                  initContainers: [{ name: migrate, image: "db:1", resources: { requests: { cpu: 1, memory: 1Gi } } }]
                  containers: [{ name: db, image: "db:1", resources: { requests: { cpu: 1, memory: 1Gi }, limits: { memory: 1Gi } } }]
                  ephemeralContainers: [{ name: debug, image: "busybox:1.36" }]
            """);

        verdict.Violations.ShouldHaveSingleItem().Path.ShouldBe("spec.template.spec.initContainers[0].resources.limits.memory");
    }

    [Fact]
    public void Maximum_compares_quantities_exactly_across_units()
    {
        var policy = Policy.Compile(Policy.Pack("resource-requirements", """
                      required: [limits.memory]
                      maximum: { limits.memory: 1Gi }
            """));

        policy.Evaluate(PodWithMemoryLimit("1024Mi")).Violations.ShouldBeEmpty();
        policy.Evaluate(PodWithMemoryLimit("1073741824")).Violations.ShouldBeEmpty();
        var violation = policy.Evaluate(PodWithMemoryLimit("1025Mi")).Violations.ShouldHaveSingleItem();
        violation.Actual.ShouldBe("1025Mi");
        violation.Message.ShouldBe("container 'app' asks for a memory limit of 1025Mi, above the maximum 1Gi");
    }

    [Fact]
    public void Limit_to_request_ratio_is_capped()
    {
        var policy = Policy.Compile(Policy.Pack("resource-requirements", """
                      required: [requests.cpu]
                      maxLimitRequestRatio: { cpu: 2 }
            """));

        var verdict = policy.Evaluate("""
            apiVersion: v1
            kind: Pod
            metadata: { name: web }
            spec:
              containers: [{ name: app, image: "x:1", resources: { requests: { cpu: 100m }, limits: { cpu: 500m } } }]
            """);

        var violation = verdict.Violations.ShouldHaveSingleItem();
        violation.Path.ShouldBe("spec.containers[0].resources.limits.cpu");
        violation.Message.ShouldContain("5");
        violation.Message.ShouldContain("above the allowed ratio 2");
    }

    [Fact]
    public void A_broken_quantity_is_reported_with_its_value()
    {
        var violation = Default.Evaluate(PodWithMemoryLimit("12Gb", requests: true)).Violations.ShouldHaveSingleItem();

        violation.Path.ShouldBe("spec.containers[0].resources.limits.memory");
        violation.Actual.ShouldBe("12Gb");
        violation.Message.ShouldContain("12Gb");
    }

    private static string PodWithMemoryLimit(string limit, bool requests = false) => $$"""
        apiVersion: v1
        kind: Pod
        metadata: { name: web }
        spec:
          containers:
          - name: app
            image: nginx:1.27
            resources:
              {{(requests ? "requests: { cpu: 100m, memory: 128Mi }" : "")}}
              limits: { memory: "{{limit}}" }
        """;
}
