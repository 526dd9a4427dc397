using Guardrails.Policies.Engine;
using Guardrails.Policies.Exceptions;
using static Guardrails.Policies.Tests.Exceptions.ExceptionTestData;

namespace Guardrails.Policies.Tests.Exceptions;

public sealed class ExceptionCoverageTests
{
    [Fact]
    public void An_active_exception_turns_its_denial_into_a_warning_naming_it()
    {
        var verdict = Evaluate(Deployment(), Now, Read(Exception()));

        verdict.Allowed.ShouldBeTrue();
        var excepted = verdict.Excepted.ShouldHaveSingleItem();
        excepted.RuleId.ShouldBe("run-as-non-root");
        excepted.Mode.ShouldBe(EnforcementMode.Warn);
        excepted.CoveredBy!.DisplayName.ShouldBe("team-a/vendor-root");
        excepted.ToString().ShouldStartWith("excepted by PolicyException team-a/vendor-root until 2026-12-05T12:00:00Z: [run-as-non-root] spec.template.spec.containers[0].securityContext.runAsNonRoot");
    }

    [Fact]
    public void Without_an_exception_the_denial_says_how_to_ask_for_one()
    {
        var verdict = Evaluate(Deployment(), Now);

        var denial = verdict.Denials.ShouldHaveSingleItem();
        denial.Fix.ShouldStartWith("set runAsNonRoot: true on the pod (spec.template.spec.securityContext) or on this container; or waive it for a while (self-service for at most 168h, for containers vendor-*, with a reason, with a ticket matching ^OPS-[0-9]+$)");
        denial.Fix.ShouldContain("kubectl apply -n team-a a guardrails.dev/v1alpha1 PolicyException with spec: {rule: run-as-non-root, target: {kind: Deployment, name: vendor, container: vendor-agent}");
    }

    [Fact]
    public void A_rule_without_bounds_keeps_its_fix_text_unchanged()
    {
        var verdict = Evaluate(Deployment().Replace("vendor/agent:1.2", "vendor/agent:latest", StringComparison.Ordinal), Now, Read(Exception()));

        verdict.Denials.ShouldHaveSingleItem().Fix.ShouldBe("pin a version tag (for example vendor/agent:1.2.3) or a digest");
    }

    [Fact]
    public void Expiry_stops_coverage_at_the_second()
    {
        var exception = Read(Exception(expires: "2026-12-05T12:00:00Z"));
        var expiry = new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

        Evaluate(Deployment(), expiry.AddTicks(-1), exception).Allowed.ShouldBeTrue();
        Evaluate(Deployment(), expiry, exception).Allowed.ShouldBeFalse();
    }

    [Fact]
    public void Without_a_clock_no_exception_covers_anything()
    {
        Evaluate(Deployment(), now: null, Read(Exception())).Allowed.ShouldBeFalse();
    }

    [Fact]
    public void An_exception_in_namespace_a_never_covers_namespace_b()
    {
        Evaluate(Deployment(ns: "team-b"), Now, Read(Exception(ns: "team-a"))).Allowed.ShouldBeFalse();
    }

    [Fact]
    public void An_exception_for_another_object_or_container_covers_nothing()
    {
        Evaluate(Deployment(name: "other"), Now, Read(Exception())).Allowed.ShouldBeFalse();
        Evaluate(Deployment(), Now, Read(Exception(target: "{ kind: StatefulSet, name: vendor }"))).Allowed.ShouldBeFalse();
    }

    [Fact]
    public void A_label_selector_target_covers_the_pods_a_controller_creates_with_those_labels()
    {
        var pod = """
            apiVersion: v1
            kind: Pod
            metadata: { name: vendor-abc-123, namespace: team-a, labels: { app: vendor } }
            spec:
              containers:
                - { name: vendor-agent, image: vendor/agent:1.2, resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { memory: 64Mi } } }
            """;

        Evaluate(pod, Now, Read(Exception(target: "{ selector: { matchLabels: { app: vendor } }, container: vendor-agent }"))).Allowed.ShouldBeTrue();
    }

    [Fact]
    public void A_pod_owned_by_the_targets_replicaset_is_covered_through_the_owner()
    {
        var replicaSet = Deployment().Replace("kind: Deployment", "kind: ReplicaSet", StringComparison.Ordinal)
            .Replace("metadata: { name: vendor, namespace: team-a }", "metadata: { name: vendor-7d9, namespace: team-a, ownerReferences: [{ apiVersion: apps/v1, kind: Deployment, name: vendor, uid: u1, controller: true }] }", StringComparison.Ordinal);

        Evaluate(replicaSet, Now, Read(Exception())).Allowed.ShouldBeTrue();
    }

    [Fact]
    public void A_field_restricted_exception_covers_only_its_fields()
    {
        var noLimit = Deployment(memoryLimit: "limits: {}", securityContext: "securityContext: { runAsNonRoot: true }");
        var approved = Read(Exception(rule: "resource-requirements", name: "no-limit", target: "{ kind: Deployment, name: vendor }", expires: "2026-12-02T10:00:00Z", extra: "reason: batch run, fields: [limits.memory]"));

        var verdict = Evaluate(noLimit, Now, approved);

        verdict.Allowed.ShouldBeTrue();
        verdict.Excepted.ShouldHaveSingleItem().Path.ShouldBe("spec.template.spec.containers[0].resources.limits.memory");

        var cpu = Read(Exception(rule: "resource-requirements", name: "no-cpu", target: "{ kind: Deployment, name: vendor }", expires: "2026-12-02T10:00:00Z", extra: "reason: batch run, fields: [requests.cpu]"));
        Evaluate(noLimit, Now, cpu).Allowed.ShouldBeFalse();
    }

    [Fact]
    public void An_exception_beyond_bounds_covers_nothing_until_approved()
    {
        var noLimit = Deployment(memoryLimit: "limits: {}", securityContext: "securityContext: { runAsNonRoot: true }");
        var week = Exception(rule: "resource-requirements", name: "no-limit", target: "{ kind: Deployment, name: vendor }", expires: "2026-12-08T10:00:00Z", extra: "reason: batch run, fields: [limits.memory]");

        Evaluate(noLimit, Now, Read(week)).Allowed.ShouldBeFalse();
        Evaluate(noLimit, Now, Read(week.Replace("dev@example.com", "dev@example.com, guardrails.dev/approved-by: lead@example.com", StringComparison.Ordinal))).Allowed.ShouldBeTrue();
    }

    [Fact]
    public void Ten_thousand_exceptions_elsewhere_change_nothing_for_a_request_none_covers()
    {
        var many = Enumerable.Range(0, 10_000).Select(i => Read(Exception(ns: $"team-{i}", name: $"e{i}"))).ToArray();

        var verdict = Evaluate(Deployment(ns: "team-a-other"), Now, many);

        verdict.Allowed.ShouldBeFalse();
        new ExceptionIndex(many).For("team-7", "run-as-non-root").Length.ShouldBe(1);
    }
}
