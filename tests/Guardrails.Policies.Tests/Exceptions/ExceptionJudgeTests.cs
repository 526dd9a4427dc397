using Guardrails.Policies.Exceptions;
using static Guardrails.Policies.Tests.Exceptions.ExceptionTestData;

namespace Guardrails.Policies.Tests.Exceptions;

public sealed class ExceptionJudgeTests
{
    private static ExceptionJudgement Judge(string yaml, string rule = "run-as-non-root") =>
        ExceptionJudge.Judge(Read(yaml), Policy.ExceptionBoundsFor(rule), null, Now);

    [Fact]
    public void Within_bounds_is_active_at_once()
    {
        Judge(Exception()).State.ShouldBe(ExceptionState.Active);
    }

    [Fact]
    public void Beyond_bounds_is_rejected_with_every_reason_at_once_and_what_is_allowed()
    {
        var judgement = Judge(Exception(expires: "2026-12-31T00:00:00Z", target: "{ kind: Deployment, name: vendor, container: app }", extra: "ticket: JIRA-1"));

        judgement.State.ShouldBe(ExceptionState.Rejected);
        judgement.Reasons.ShouldBe(
        [
            "spec.reason is required: say why the rule must be waived",
            "spec.ticket 'JIRA-1' does not match ^OPS-[0-9]+$",
            "spec.expires 2026-12-31T00:00:00Z is 709h away, beyond the 168h allowed",
            "container 'app' is not one of vendor-*",
        ]);
        judgement.Allowed.ShouldBe("self-service for at most 168h, for containers vendor-*, with a reason, with a ticket matching ^OPS-[0-9]+$");
    }

    [Fact]
    public void A_rule_without_bounds_allows_no_exception()
    {
        Judge(Exception(rule: "image-tag"), "image-tag").Reasons.ShouldHaveSingleItem().ShouldBe("rule 'image-tag' allows no exceptions in the enabled packs");
    }

    [Fact]
    public void Beyond_bounds_with_approval_required_waits_for_an_approver()
    {
        var judgement = Judge(Exception(rule: "resource-requirements", target: "{ kind: Deployment, name: vendor }", expires: "2026-12-04T11:00:00Z", extra: "reason: r, fields: [limits.memory]"), "resource-requirements");

        judgement.State.ShouldBe(ExceptionState.PendingApproval);
        judgement.Reasons.ShouldHaveSingleItem().ShouldBe("spec.expires 2026-12-04T11:00:00Z is 72h away, beyond the 24h allowed: needs approval");
    }

    [Fact]
    public void An_exception_past_its_expiry_is_expired()
    {
        ExceptionJudge.Judge(Read(Exception()), Policy.ExceptionBoundsFor("run-as-non-root"), null, new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero)).State.ShouldBe(ExceptionState.Expired);
    }

    [Fact]
    public void Extending_an_exception_counts_its_duration_from_creation_not_from_now()
    {
        var later = new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);
        var extended = Read(Exception(expires: "2026-12-09T00:00:00Z"));

        ExceptionJudge.Judge(extended, Policy.ExceptionBoundsFor("run-as-non-root"), null, later).State.ShouldBe(ExceptionState.Rejected);
    }

    [Fact]
    public void A_malformed_exception_is_refused_with_every_problem()
    {
        using var manifest = Support.Policy.Single("""
            apiVersion: guardrails.dev/v1alpha1
            kind: PolicyException
            metadata: { name: x, namespace: team-a }
            spec: { target: { kind: Deployment }, expires: tomorrow, fields: [limits.disk] }
            """);
        var errors = new List<string>();

        PolicyExceptionReader.Read(manifest.Root, "default", errors).ShouldBeNull();

        errors.ShouldBe(
        [
            "spec.rule is required: the id of the rule to waive (for example run-as-non-root)",
            "spec.target needs kind and name (for example kind: Deployment, name: web), or a selector",
            "spec.fields entry limits.disk is not one of requests.cpu, requests.memory, limits.cpu, limits.memory",
            "spec.expires 'tomorrow' is not an RFC 3339 time such as 2026-12-08T00:00:00Z",
        ]);
    }
}
