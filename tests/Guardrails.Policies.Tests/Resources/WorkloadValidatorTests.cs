using Guardrails.Policies.Engine;
using Guardrails.Policies.Tests.Support;

namespace Guardrails.Policies.Tests.Resources;

/// <summary>Objects the apiserver's validation would refuse are invalid, never judged (and never allowed).</summary>
public sealed class WorkloadValidatorTests
{
    private static readonly CompiledPolicy Baseline = Policy.Compile(Policy.Pack("image-tag"));

    private static string Deployment(string replicas = "1", string containers = "[{ name: a, image: \"nginx:1.27\", resources: { requests: { cpu: 100m } } }]") => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: web, namespace: team-a }
        spec:
          replicas: {{replicas}}
          template:
            spec:
              containers: {{containers}}
        """;

    public static TheoryData<string, string, string> Invalid() => new()
    {
        { "negative cpu", Deployment(containers: "[{ name: a, image: \"nginx:1.27\", resources: { requests: { cpu: \"-1\" } } }]"), "spec.template.spec.containers[0].resources.requests.cpu must be 0 or more, not -1; Kubernetes refuses negative quantities" },
        { "negative memory limit as a number", Deployment(containers: "[{ name: a, image: \"nginx:1.27\", resources: { limits: { memory: -5 } } }]"), "spec.template.spec.containers[0].resources.limits.memory must be 0 or more, not -5; Kubernetes refuses negative quantities" },
        { "negative replicas", Deployment(replicas: "-1"), "spec.replicas must be 0 or more, not -1" },
        { "replicas beyond int32", Deployment(replicas: "2147483648"), "spec.replicas must be a whole number between 0 and 2147483647, not 2147483648" },
        { "replicas as a string", Deployment(replicas: "\"3\""), "spec.replicas must be a whole number between 0 and 2147483647, not 3" },
        { "containers as a map", Deployment(containers: "{ a: { image: nginx } }"), "spec.template.spec.containers must be a list of containers, not a mapping" },
        { "a container that is a string", Deployment(containers: "[nginx]"), "spec.template.spec.containers[0] must be a container (a mapping), not a string" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Objects_the_apiserver_refuses_are_invalid_with_the_field_and_reason(string name, string yaml, string reason)
    {
        var ex = Should.Throw<InvalidObjectException>(() => Baseline.Evaluate(yaml), name);

        ex.Message.ShouldBe($"Deployment 'web' is invalid: {reason}");
    }

    [Fact]
    public void A_negative_request_cannot_offset_another_containers_demand_in_quota_arithmetic()
    {
        var quota = Policy.Compile(Policy.Pack("quota-fits", "          countSurge: false"));
        var containers = "[{ name: a, image: \"nginx:1.27\", resources: { requests: { cpu: \"-100\" } } }, { name: b, image: \"nginx:1.27\", resources: { requests: { cpu: \"100\" } } }]";

        Should.Throw<InvalidObjectException>(() => quota.Evaluate(Deployment(containers: containers)))
            .Message.ShouldContain("requests.cpu must be 0 or more, not -100");
    }

    [Fact]
    public void Zero_and_valid_values_are_still_judged()
    {
        Baseline.Evaluate(Deployment(replicas: "0", containers: "[{ name: a, image: \"nginx:1.27\", resources: { requests: { cpu: \"0\", memory: \"-0\" } } }]"))
            .Allowed.ShouldBeTrue();
    }
}
