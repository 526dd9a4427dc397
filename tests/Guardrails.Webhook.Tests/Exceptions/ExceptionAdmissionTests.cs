using Guardrails.Policies.Exceptions;
using Guardrails.Webhook.Tests.Support.FakeKube;

namespace Guardrails.Webhook.Tests.Exceptions;

/// <summary>PolicyExceptions through the real admission path: /mutate then /validate over HTTPS, the watch cache fed by the fake API server.</summary>
public sealed class ExceptionAdmissionTests
{
    [Fact]
    public async Task Within_bounds_the_denied_pod_is_admitted_with_a_warning_and_an_audit_annotation_naming_the_exception()
    {
        await using var harness = await ExceptionHarness.StartAsync();
        var denied = await harness.ValidatePodAsync();
        denied.Allowed.ShouldBeFalse();
        denied.Message!.ShouldContain("or waive it for a while (self-service for at most 168h, with a reason): kubectl apply -n default a guardrails.dev/v1alpha1 PolicyException with spec: {rule: run-as-non-root, target: {kind: Pod, name: denied, container: denied}");

        var (mutated, validated, stored) = await harness.ApplyAsync(ExceptionHarness.Exception("root", "run-as-non-root", harness.Now.AddDays(3)), "dev@example.com");
        validated.Allowed.ShouldBeTrue(validated.Message);
        validated.Warnings.ShouldHaveSingleItem().ShouldStartWith("Guardrails: PolicyException default/root is active: rule run-as-non-root is waived for Pod/denied container denied until");
        stored["metadata"]!["annotations"]![ExceptionAnnotations.RequestedBy]!.GetValue<string>().ShouldBe("dev@example.com");
        await harness.StoreAsync(stored);
        var (_, _, memory) = await harness.ApplyAsync(ExceptionHarness.Exception("no-limit", "resource-requirements", harness.Now.AddHours(20), fields: "limits.memory"), "dev@example.com");
        await harness.StoreAsync(memory);

        var admitted = await harness.ValidatePodAsync();

        admitted.Allowed.ShouldBeTrue(admitted.Message);
        admitted.Warnings.Count.ShouldBe(2);
        admitted.Warnings.ShouldContain(w => w.StartsWith("Guardrails: excepted by PolicyException default/root until ", StringComparison.Ordinal) && w.Contains("[run-as-non-root] spec.containers[0].securityContext.runAsNonRoot", StringComparison.Ordinal));
        admitted.AuditAnnotations["run-as-non-root.exception"].ShouldContain("waived by PolicyException default/root, requested by dev@example.com, reason: the vendor fixes the image next week, expires ");
    }

    [Fact]
    public async Task An_exception_in_namespace_a_never_covers_namespace_b_and_deleting_it_stops_coverage()
    {
        await using var harness = await ExceptionHarness.StartAsync(bed => bed.Namespace("team-b"));
        foreach (var (name, rule, fields) in new[] { ("root", "run-as-non-root", (string?)null), ("no-limit", "resource-requirements", "limits.memory") })
        {
            var (_, validated, stored) = await harness.ApplyAsync(ExceptionHarness.Exception(name, rule, harness.Now.AddHours(20), fields: fields), "dev@example.com");
            validated.Allowed.ShouldBeTrue(validated.Message);
            await harness.StoreAsync(stored);
        }

        (await harness.ValidatePodAsync()).Allowed.ShouldBeTrue();
        (await harness.ValidatePodAsync("team-b")).Allowed.ShouldBeFalse();

        await harness.RemoveAsync("root");

        var after = await harness.ValidatePodAsync();
        after.Allowed.ShouldBeFalse();
        after.Message!.ShouldContain("[run-as-non-root]");
        after.Message!.ShouldNotContain("[resource-requirements]");
    }

    [Fact]
    public async Task Expiry_stops_coverage_at_the_second_without_any_background_process()
    {
        await using var harness = await ExceptionHarness.StartAsync();
        var expires = harness.Now.AddHours(2);
        foreach (var (name, rule, fields) in new[] { ("root", "run-as-non-root", (string?)null), ("no-limit", "resource-requirements", "limits.memory") })
        {
            var (_, _, stored) = await harness.ApplyAsync(ExceptionHarness.Exception(name, rule, expires, fields: fields), "dev@example.com");
            await harness.StoreAsync(stored);
        }

        harness.Clock.Advance(expires - harness.Now - TimeSpan.FromTicks(1));
        (await harness.ValidatePodAsync()).Allowed.ShouldBeTrue();

        harness.Clock.Advance(TimeSpan.FromTicks(1));
        (await harness.ValidatePodAsync()).Allowed.ShouldBeFalse();
    }

    [Fact]
    public async Task Beyond_bounds_the_exception_is_refused_at_apply_with_every_reason_and_what_is_allowed()
    {
        await using var harness = await ExceptionHarness.StartAsync();
        var tooLong = ExceptionHarness.Exception("root", "run-as-non-root", harness.Now.AddDays(30));
        tooLong["spec"]!["reason"] = "";

        var (_, validated, _) = await harness.ApplyAsync(tooLong, "dev@example.com");

        validated.Allowed.ShouldBeFalse();
        validated.Code.ShouldBe(403);
        validated.Message.ShouldBe($"""
            Guardrails refused PolicyException default/root: 2 reason(s)
            - spec.reason is required: say why the rule must be waived
            - spec.expires {harness.Now.AddDays(30).UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} is 720h away, beyond the 168h allowed
            Allowed: self-service for at most 168h, with a reason
            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task The_requester_cannot_be_forged_by_writing_the_annotation()
    {
        await using var harness = await ExceptionHarness.StartAsync();
        var forged = ExceptionHarness.Exception("root", "run-as-non-root", harness.Now.AddDays(1), requestedBy: "lead@example.com");

        var (_, validated, stored) = await harness.ApplyAsync(forged, "dev@example.com");
        validated.Allowed.ShouldBeTrue();
        stored["metadata"]!["annotations"]![ExceptionAnnotations.RequestedBy]!.GetValue<string>().ShouldBe("dev@example.com");

        // Straight to /validate, as if the mutating webhook had not run: refused, not recorded.
        var direct = await harness.Live.ValidateAsync(harness.Client, ExceptionHarness.Review(forged, "dev@example.com"));
        direct.Allowed.ShouldBeFalse();
        direct.Message!.ShouldContain("guardrails.dev/requested-by] must be the requester Guardrails saw (dev@example.com), not 'lead@example.com'");

        // Rewriting it later is refused too.
        var rewritten = (System.Text.Json.Nodes.JsonObject)stored.DeepClone();
        rewritten["metadata"]!["annotations"]![ExceptionAnnotations.RequestedBy] = "lead@example.com";
        var update = await harness.Live.ValidateAsync(harness.Client, ExceptionHarness.Review(rewritten, "dev@example.com", stored));
        update.Allowed.ShouldBeFalse();
        update.Message!.ShouldContain("cannot change: it records who asked (dev@example.com), not 'lead@example.com'");
    }

    [Fact]
    public async Task Approval_required_covers_nothing_until_someone_allowed_to_approve_approves_it()
    {
        await using var harness = await ExceptionHarness.StartAsync();
        var (_, _, root) = await harness.ApplyAsync(ExceptionHarness.Exception("root", "run-as-non-root", harness.Now.AddDays(1)), "dev@example.com");
        await harness.StoreAsync(root);

        // 48h is beyond the 24h developers may grant themselves, and the pack says approval: required.
        var (_, pending, stored) = await harness.ApplyAsync(ExceptionHarness.Exception("no-limit", "resource-requirements", harness.Now.AddHours(48), fields: "limits.memory"), "dev@example.com");
        pending.Allowed.ShouldBeTrue(pending.Message);
        pending.Warnings.ShouldHaveSingleItem().ShouldContain("covers nothing until approved (spec.expires");
        await harness.StoreAsync(stored);
        (await harness.ValidatePodAsync()).Allowed.ShouldBeFalse();

        // Approving needs the verb approve on policyexceptions.guardrails.dev in the namespace: the developer lacks it.
        var selfApproval = (System.Text.Json.Nodes.JsonObject)stored.DeepClone();
        selfApproval["metadata"]!["annotations"]![ExceptionAnnotations.Approve] = "true";
        var (_, refused, _) = await harness.ApplyAsync(selfApproval, "dev@example.com", stored);
        refused.Allowed.ShouldBeFalse();
        refused.Message!.ShouldContain("approval refused: dev@example.com may not approve PolicyExceptions in namespace default: approving needs the verb 'approve' on policyexceptions.guardrails.dev there");

        // Writing the approver's name instead of asking Guardrails to record it is refused as well.
        var forged = (System.Text.Json.Nodes.JsonObject)stored.DeepClone();
        forged["metadata"]!["annotations"]![ExceptionAnnotations.ApprovedBy] = "lead@example.com";
        var forgedAnswer = await harness.Live.ValidateAsync(harness.Client, ExceptionHarness.Review(forged, "dev@example.com", stored));
        forgedAnswer.Allowed.ShouldBeFalse();
        forgedAnswer.Message!.ShouldContain("must be the approver Guardrails saw (dev@example.com), not 'lead@example.com'");

        harness.Live.Bed.Server.AccessReviews[new AccessCheck("lead@example.com", "approve", "guardrails.dev", "policyexceptions", "default")] = true;
        var byLead = (System.Text.Json.Nodes.JsonObject)stored.DeepClone();
        byLead["metadata"]!["annotations"]![ExceptionAnnotations.Approve] = "true";
        var (_, approved, approvedObject) = await harness.ApplyAsync(byLead, "lead@example.com", stored);
        approved.Allowed.ShouldBeTrue(approved.Message);
        approvedObject["metadata"]!["annotations"]![ExceptionAnnotations.ApprovedBy]!.GetValue<string>().ShouldBe("lead@example.com");
        approvedObject["metadata"]!["annotations"]![ExceptionAnnotations.RequestedBy]!.GetValue<string>().ShouldBe("dev@example.com");
        await harness.StoreAsync(approvedObject);

        var admitted = await harness.ValidatePodAsync();
        admitted.Allowed.ShouldBeTrue(admitted.Message);
        admitted.AuditAnnotations["resource-requirements.exception"].ShouldContain("requested by dev@example.com, approved by lead@example.com");
    }

    [Fact]
    public async Task Exceptions_are_listed_with_their_state_and_time_left_and_counted_by_namespace_and_rule()
    {
        await using var harness = await ExceptionHarness.StartAsync();
        var (_, _, root) = await harness.ApplyAsync(ExceptionHarness.Exception("root", "run-as-non-root", harness.Now.AddHours(2)), "dev@example.com");
        await harness.StoreAsync(root);
        var (_, _, pending) = await harness.ApplyAsync(ExceptionHarness.Exception("no-limit", "resource-requirements", harness.Now.AddHours(48), fields: "limits.memory"), "dev@example.com");
        await harness.StoreAsync(pending);

        var list = System.Text.Json.Nodes.JsonNode.Parse(await harness.Client.GetStringAsync("/api/v1/exceptions", TestContext.Current.CancellationToken))!;

        list["count"]!.GetValue<int>().ShouldBe(2);
        var items = list["exceptions"]!.AsArray();
        items.Select(i => $"{i!["name"]} {i["state"]} {i["requestedBy"]} {i["secondsLeft"]}").ShouldBe(["no-limit PendingApproval dev@example.com 172800", "root Active dev@example.com 7200"]);
        items[0]!["reasons"]!.AsArray().ShouldHaveSingleItem()!.GetValue<string>().ShouldContain("beyond the 24h allowed: needs approval");
        var active = System.Text.Json.Nodes.JsonNode.Parse(await harness.Client.GetStringAsync("/api/v1/exceptions?state=active", TestContext.Current.CancellationToken))!;
        active["count"]!.GetValue<int>().ShouldBe(1);
        using var bad = await harness.Client.GetAsync("/api/v1/exceptions?state=maybe", TestContext.Current.CancellationToken);
        ((int)bad.StatusCode).ShouldBe(400);

        (await ActiveAsync(harness)).ShouldBe(["default run-as-non-root 1"]);

        harness.Clock.Advance(TimeSpan.FromHours(2));
        (await ActiveAsync(harness)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Status_and_events_follow_the_exception_and_an_expired_one_is_deleted_after_the_packs_grace()
    {
        await using var harness = await ExceptionHarness.StartAsync();
        var expires = harness.Now.AddHours(2);
        var (_, _, root) = await harness.ApplyAsync(ExceptionHarness.Exception("root", "run-as-non-root", expires), "dev@example.com");
        await harness.StoreAsync(root);
        var server = harness.Live.Bed.Server;
        const string path = "/apis/guardrails.dev/v1alpha1/namespaces/default/policyexceptions/root";
        string? State() => server.Get(path)?["status"]?["state"]?.GetValue<string>();
        List<string> Reasons() => [.. server.List("/api/v1/namespaces/default/events").Where(e => e["involvedObject"]?["name"]?.GetValue<string>() == "root").Select(e => e["reason"]!.GetValue<string>())];

        await Cluster.LiveStateHarness.EventuallyAsync(() => Task.FromResult(State() == "Active" && Reasons().Contains("ExceptionActive")), "status Active and an ExceptionActive event");

        harness.Clock.Advance(expires - harness.Now);
        await Cluster.LiveStateHarness.EventuallyAsync(() => Task.FromResult(State() == "Expired" && Reasons().Contains("ExceptionEnded")), "status Expired and an ExceptionEnded event");
        server.Get(path).ShouldNotBeNull("kept during the pack's deleteExpiredAfter (1h)");

        harness.Clock.Advance(TimeSpan.FromHours(1));
        await Cluster.LiveStateHarness.EventuallyAsync(() => Task.FromResult(server.Get(path) is null), "deleted once the grace passed");
    }

    private static async Task<List<string>> ActiveAsync(ExceptionHarness harness)
    {
        var text = await harness.Client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        return [.. text.Split('\n')
            .Where(l => l.StartsWith("guardrails_exceptions_active{", StringComparison.Ordinal))
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, "namespace=\"([^\"]*)\".*rule=\"([^\"]*)\"\\} (\\d+)"))
            .Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value} {m.Groups[3].Value}")];
    }
}
