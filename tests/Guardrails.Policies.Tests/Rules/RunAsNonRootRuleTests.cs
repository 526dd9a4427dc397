using Guardrails.Policies.Tests.Support;

namespace Guardrails.Policies.Tests.Rules;

public sealed class RunAsNonRootRuleTests
{
    private static readonly Guardrails.Policies.Engine.CompiledPolicy Both = Policy.Compile(Policy.Pack("run-as-non-root"));

    [Fact]
    public void Denies_container_that_sets_runAsNonRoot_nowhere_naming_path_value_and_fix()
    {
        var verdict = Both.Evaluate("""
            apiVersion: v1
            kind: Pod
            metadata: { name: web }
            spec:
              containers:
              - { name: app, image: "nginx:1.27" }
            """);

        verdict.Allowed.ShouldBeFalse();
        var violation = verdict.Violations.ShouldHaveSingleItem();
        violation.RuleId.ShouldBe("run-as-non-root");
        violation.Path.ShouldBe("spec.containers[0].securityContext.runAsNonRoot");
        violation.Actual.ShouldBe("unset");
        violation.Message.ShouldBe("container 'app' may run as root: runAsNonRoot is set neither on it nor on the pod");
        violation.Fix.ShouldContain("set runAsNonRoot: true on the pod (spec.securityContext)");
    }

    [Fact]
    public void Pod_level_runAsNonRoot_covers_containers_init_containers_and_ephemeral_containers()
    {
        var verdict = Both.Evaluate("""
            apiVersion: v1
            kind: Pod
            metadata: { name: web }
            spec:
              securityContext: { runAsNonRoot: true }
              initContainers: [{ name: init, image: "busybox:1.36" }]
              containers: [{ name: app, image: "nginx:1.27" }]
              ephemeralContainers: [{ name: debug, image: "busybox:1.36" }]
            """);

        verdict.Violations.ShouldBeEmpty();
    }

    [Fact]
    public void Container_false_overrides_pod_true()
    {
        var verdict = Both.Evaluate("""
            apiVersion: v1
            kind: Pod
            metadata: { name: web }
            spec:
              securityContext: { runAsNonRoot: true }
              containers:
              - { name: ok, image: "nginx:1.27" }
              - { name: root, image: "nginx:1.27", securityContext: { runAsNonRoot: false } }
            """);

        var violation = verdict.Violations.ShouldHaveSingleItem();
        violation.Path.ShouldBe("spec.containers[1].securityContext.runAsNonRoot");
        violation.Actual.ShouldBe("false");
        violation.Message.ShouldBe("container 'root' sets securityContext.runAsNonRoot: false");
    }

    [Fact]
    public void Ephemeral_container_is_checked_with_its_own_path()
    {
        var verdict = Both.Evaluate("""
            apiVersion: v1
            kind: Pod
            metadata: { name: web }
            spec:
              containers: [{ name: app, image: "nginx:1.27", securityContext: { runAsNonRoot: true } }]
              ephemeralContainers: [{ name: debug, image: "busybox:1.36" }]
            """);

        verdict.Violations.ShouldHaveSingleItem().Path.ShouldBe("spec.ephemeralContainers[0].securityContext.runAsNonRoot");
    }

    [Fact]
    public void Denies_runAsUser_zero_at_pod_and_container_level_reporting_both()
    {
        var verdict = Both.Evaluate("""
            apiVersion: batch/v1
            kind: CronJob
            metadata: { name: nightly }
            spec:
              schedule: "0 1 * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      securityContext: { runAsNonRoot: true, runAsUser: 0 }
                      containers: [{ name: job, image: "busybox:1.36", securityContext: { runAsUser: 0 } }]
            """);

        verdict.Violations.Select(v => v.Path).ShouldBe(
        [
            "spec.jobTemplate.spec.template.spec.securityContext.runAsUser",
            "spec.jobTemplate.spec.template.spec.containers[0].securityContext.runAsUser",
        ]);
        verdict.Violations.ShouldAllBe(v => v.Actual == "0");
        verdict.Violations[1].Message.ShouldBe("container 'job' runs as root: securityContext.runAsUser is 0");
    }

    [Fact]
    public void RunAsUser_form_allows_pods_that_set_nothing()
    {
        var policy = Policy.Compile(Policy.Pack("run-as-non-root", "          require: runAsUser"));

        policy.Evaluate("""
            apiVersion: v1
            kind: Pod
            metadata: { name: web }
            spec:
              containers: [{ name: app, image: "nginx:1.27" }]
            """).Violations.ShouldBeEmpty();
    }

    [Fact]
    public void Reports_every_container_not_only_the_first()
    {
        var verdict = Both.Evaluate("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: web }
            spec:
              template:
                spec:
                  initContainers: [{ name: a, image: "x:1" }]
                  containers: [{ name: b, image: "x:1" }, { name: c, image: "x:1" }]
            """);

        verdict.Violations.Select(v => v.Path).ShouldBe(
        [
            "spec.template.spec.containers[0].securityContext.runAsNonRoot",
            "spec.template.spec.containers[1].securityContext.runAsNonRoot",
            "spec.template.spec.initContainers[0].securityContext.runAsNonRoot",
        ]);
    }
}
