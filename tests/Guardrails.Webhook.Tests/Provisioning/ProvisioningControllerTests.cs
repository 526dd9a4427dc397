using System.Text.Json.Nodes;
using Guardrails.Webhook.Tests.Cluster;
using Guardrails.Webhook.Tests.Support;

namespace Guardrails.Webhook.Tests.Provisioning;

/// <summary>The Environment lifecycle through the Kubernetes API, against the fake API server with real list/watch.</summary>
[Collection(ProvisioningLifecycleCollection.Name)]
public sealed class ProvisioningControllerTests
{
    private static readonly string[] Planned =
    [
        "/api/v1/namespaces/team-a-dev",
        "/api/v1/namespaces/team-a-dev/resourcequotas/default-resourcequota",
        "/api/v1/namespaces/team-a-dev/limitranges/default-limitrange",
        "/apis/networking.k8s.io/v1/namespaces/team-a-dev/networkpolicies/default",
        "/apis/rbac.authorization.k8s.io/v1/namespaces/team-a-dev/roles/viewer",
        "/apis/rbac.authorization.k8s.io/v1/namespaces/team-a-dev/roles/editor",
        "/apis/rbac.authorization.k8s.io/v1/namespaces/team-a-dev/roles/admin",
        "/apis/rbac.authorization.k8s.io/v1/namespaces/team-a-dev/rolebindings/editor",
        "/apis/rbac.authorization.k8s.io/v1/namespaces/team-a-dev/rolebindings/viewer",
        "/apis/rbac.authorization.k8s.io/v1/namespaces/team-a-dev/rolebindings/admin",
        "/api/v1/namespaces/team-a-dev/serviceaccounts/deployer",
        "/apis/rbac.authorization.k8s.io/v1/namespaces/team-a-dev/rolebindings/deployer",
    ];

    [Fact]
    public async Task An_environment_applied_through_the_API_becomes_ready_with_all_its_objects()
    {
        await using var harness = await ProvisioningHarness.StartAsync();

        harness.ApplyEnvironment(ProvisioningHarness.Spec());

        var environment = await harness.WaitForPhaseAsync("team-a-dev", "Ready");
        var status = environment["status"]!;
        status["namespace"]!.GetValue<string>().ShouldBe("team-a-dev");
        status["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "Ready")!["status"]!.GetValue<string>().ShouldBe("True");
        status["steps"]!.AsArray().Count.ShouldBeGreaterThanOrEqualTo(Planned.Length);
        // The CRD declares durationMs an integer: a real apiserver refuses a status with fractions.
        status["steps"]!.AsArray().ShouldAllBe(s => s!["durationMs"]!.GetValueKind() == System.Text.Json.JsonValueKind.Number && !s["durationMs"]!.ToJsonString().Contains('.', StringComparison.Ordinal));
        environment["metadata"]!["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()).ShouldContain("guardrails.dev/cleanup");
        foreach (var path in Planned)
        {
            harness.Api.Get(path).ShouldNotBeNull(path);
        }

        var ns = harness.Api.Get("/api/v1/namespaces/team-a-dev")!;
        ns["metadata"]!["labels"]!["pod-security.kubernetes.io/enforce"]!.GetValue<string>().ShouldBe("baseline");
        var quota = harness.Api.Get(Planned[1])!;
        quota["spec"]!["hard"]!["requests.cpu"]!.GetValue<string>().ShouldBe("4");
        var editor = harness.Api.Get("/apis/rbac.authorization.k8s.io/v1/namespaces/team-a-dev/rolebindings/editor")!;
        editor["subjects"]![0]!["name"]!.GetValue<string>().ShouldBe("alice");
    }

    [Fact]
    public async Task The_namespace_is_applied_before_anything_that_lives_in_it_and_no_step_fails()
    {
        await using var harness = await ProvisioningHarness.StartAsync();

        harness.ApplyEnvironment(ProvisioningHarness.Spec());
        await harness.WaitForPhaseAsync("team-a-dev", "Ready");

        var applies = harness.Api.RequestLog.Where(r => r.Method == "PATCH" && r.Path.Contains("team-a-dev", StringComparison.Ordinal) && !r.Path.Contains("/environments/", StringComparison.Ordinal)).ToList();
        Planned.ShouldBeSubsetOf(applies.Select(r => r.Path));
        applies[0].Path.ShouldBe("/api/v1/namespaces/team-a-dev");
        harness.Live.Guardrails.Logs.Lines.ShouldNotContain(l => l.Contains("failed", StringComparison.Ordinal) && l.Contains("EnvironmentReconciler", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Re_applying_the_same_environment_changes_nothing()
    {
        await using var harness = await ProvisioningHarness.StartAsync();
        harness.ApplyEnvironment(ProvisioningHarness.Spec());
        await harness.WaitForPhaseAsync("team-a-dev", "Ready");
        var versions = Planned.ToDictionary(p => p, p => harness.Api.Get(p)!["metadata"]!["resourceVersion"]!.GetValue<string>());
        harness.Api.ClearRequestLog();

        await harness.ApplyEnvironmentAsKubectlAsync(ProvisioningHarness.Spec());
        await Task.Delay(1000, TestContext.Current.CancellationToken);
        harness.Api.RequestLog.ShouldContain(r => r.Method == "PATCH" && r.Path.EndsWith("/environments/team-a-dev", StringComparison.Ordinal), "the re-apply itself reached the API");

        foreach (var path in Planned)
        {
            harness.Api.Get(path)!["metadata"]!["resourceVersion"]!.GetValue<string>().ShouldBe(versions[path], path);
        }

        harness.Api.RequestLog.Where(r => r.Method == "PATCH" && r.Path.Contains("/namespaces/team-a-dev", StringComparison.Ordinal)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Removing_the_last_member_of_a_role_takes_their_access_away()
    {
        await using var harness = await ProvisioningHarness.StartAsync();
        harness.ApplyEnvironment(ProvisioningHarness.Spec());
        await harness.WaitForPhaseAsync("team-a-dev", "Ready");
        const string viewers = "/apis/rbac.authorization.k8s.io/v1/namespaces/team-a-dev/rolebindings/viewer";
        harness.Api.Get(viewers)!["subjects"]!.AsArray().ShouldNotBeEmpty();

        var withoutViewers = ProvisioningHarness.Spec();
        withoutViewers["members"]!.AsObject().Remove("viewers");
        await harness.ApplyEnvironmentAsKubectlAsync(withoutViewers);

        await LiveStateHarness.EventuallyAsync(
            () => Task.FromResult(harness.Api.Get(viewers)?["subjects"] is JsonArray { Count: 0 }),
            $"the viewer binding emptied (now: {harness.Api.Get(viewers)?["subjects"]?.ToJsonString()})");
        var environment = await harness.WaitForPhaseAsync("team-a-dev", "Ready");
        environment["status"]!["observedGeneration"]!.GetValue<long>().ShouldBe(2);
    }

    [Fact]
    public async Task A_request_over_the_team_budget_is_rejected_with_the_arithmetic_and_nothing_is_created()
    {
        await using var harness = await ProvisioningHarness.StartAsync();

        harness.ApplyEnvironment(ProvisioningHarness.Spec(cpu: "100"));

        var environment = await harness.WaitForPhaseAsync("team-a-dev", "Rejected");
        var message = environment["status"]!["message"]!.GetValue<string>();
        message.ShouldContain("budget");
        message.ShouldContain("100");
        environment["status"]!["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "Rejected")!["status"]!.GetValue<string>().ShouldBe("True");
        harness.Api.Get("/api/v1/namespaces/team-a-dev").ShouldBeNull();
    }

    [Fact]
    public async Task A_failure_in_the_middle_of_applying_converges_on_retry()
    {
        await using var harness = await ProvisioningHarness.StartAsync();
        harness.Api.FailNext(500, 2, "/roles/editor");

        harness.ApplyEnvironment(ProvisioningHarness.Spec());

        await harness.WaitForPhaseAsync("team-a-dev", "Ready");
        harness.Api.RequestLog.Count(r => r.Path.EndsWith("/roles/editor", StringComparison.Ordinal)).ShouldBeGreaterThanOrEqualTo(3);
        foreach (var path in Planned)
        {
            harness.Api.Get(path).ShouldNotBeNull(path);
        }
    }

    [Fact]
    public async Task A_reconcile_stuck_on_an_unanswered_call_is_cancelled_at_its_deadline_and_retried()
    {
        await using var harness = await ProvisioningHarness.StartAsync(configure: o => o with { ReconcileDeadline = TimeSpan.FromSeconds(1) });
        harness.Api.HangNext(1, "/roles/editor");

        harness.ApplyEnvironment(ProvisioningHarness.Spec());

        await harness.WaitForPhaseAsync("team-a-dev", "Ready");
        harness.Api.RequestLog.Count(r => r.Path.EndsWith("/roles/editor", StringComparison.Ordinal)).ShouldBeGreaterThanOrEqualTo(2);
        harness.Live.Guardrails.Logs.Lines.ShouldContain(l => l.Contains("Reconciling Environment team-a-dev took longer than 1 s; cancelled, retrying", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_lasting_failure_is_retried_less_and_less_often_without_rewriting_the_status()
    {
        await using var harness = await ProvisioningHarness.StartAsync();
        harness.Api.FailNext(500, 1000, "/roles/editor");

        harness.ApplyEnvironment(ProvisioningHarness.Spec());
        var failing = await harness.WaitForPhaseAsync("team-a-dev", "Provisioning");
        await Task.Delay(3000, TestContext.Current.CancellationToken);

        // Doubling from 200 ms: attempts at about 0, 0.2, 0.6, 1.4 and 3 s. A fixed delay, or a status that changed on
        // every attempt and woke the watch, would make it 15 or more.
        var attempts = harness.Api.RequestLog.Count(r => r.Path.EndsWith("/roles/editor", StringComparison.Ordinal));
        attempts.ShouldBeInRange(2, 7, Diagnose(harness));
        harness.Environment("team-a-dev")!["metadata"]!["resourceVersion"]!.GetValue<string>().ShouldBe(failing["metadata"]!["resourceVersion"]!.GetValue<string>(), "the same failure again is the same status");
        failing["status"]!["message"]!.GetValue<string>().ShouldContain("Role team-a-dev/editor failed");
    }

    [Fact]
    public async Task Deleting_an_environment_completes_only_once_its_namespace_is_gone()
    {
        await using var harness = await ProvisioningHarness.StartAsync();
        harness.ApplyEnvironment(ProvisioningHarness.Spec());
        await harness.WaitForPhaseAsync("team-a-dev", "Ready");
        Hold(harness, "/api/v1/namespaces/team-a-dev");

        harness.Api.Delete("/apis/guardrails.dev/v1alpha1/environments/team-a-dev");

        // The namespace is terminating (a real one empties itself first); the Environment waits for it, and says so.
        var deleting = await harness.WaitForPhaseAsync("team-a-dev", "Deleting");
        await LiveStateHarness.EventuallyAsync(
            () => Task.FromResult(harness.Environment("team-a-dev")?["status"]?["message"]?.GetValue<string>() == "waiting for namespace team-a-dev to be gone"),
            $"waiting for the namespace; {Diagnose(harness)}");
        harness.Api.Get("/api/v1/namespaces/team-a-dev")!["metadata"]!["deletionTimestamp"].ShouldNotBeNull();
        harness.Environment("team-a-dev")!["metadata"]!["finalizers"]!.AsArray().ShouldContain(f => f!.GetValue<string>() == Guardrails.Webhook.Provisioning.ProvisioningApi.Finalizer, deleting.ToJsonString());

        Release(harness, "/api/v1/namespaces/team-a-dev");
        await LiveStateHarness.EventuallyAsync(
            () => Task.FromResult(harness.Environment("team-a-dev") is null && harness.Api.Get("/api/v1/namespaces/team-a-dev") is null),
            $"the Environment let go once the namespace was gone; {Diagnose(harness)}");
    }

    [Fact]
    public async Task An_environment_whose_namespace_is_still_terminating_stays_pending_and_is_applied_once_it_is_gone()
    {
        await using var harness = await ProvisioningHarness.StartAsync();

        // What an earlier Environment of this name left behind while the namespace controller empties it.
        harness.Api.Upsert(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject
            {
                ["name"] = "team-a-dev",
                ["labels"] = new JsonObject { ["app.kubernetes.io/managed-by"] = "guardrails", ["guardrails.dev/environment"] = "team-a-dev" },
                ["deletionTimestamp"] = "2026-01-01T00:00:00Z",
                ["finalizers"] = new JsonArray("test.guardrails.dev/hold"),
            },
            ["status"] = new JsonObject { ["phase"] = "Terminating" },
        });

        harness.ApplyEnvironment(ProvisioningHarness.Spec());

        var pending = await harness.WaitForPhaseAsync("team-a-dev", "Pending");
        pending["status"]!["message"]!.GetValue<string>().ShouldBe("namespace team-a-dev is still terminating; it is created afresh once it is gone");
        harness.Api.Get(Planned[1]).ShouldBeNull();

        Release(harness, "/api/v1/namespaces/team-a-dev");
        await harness.WaitForPhaseAsync("team-a-dev", "Ready");
        harness.Api.Get("/api/v1/namespaces/team-a-dev")!["metadata"]!["deletionTimestamp"].ShouldBeNull();
        harness.Api.Get(Planned[1]).ShouldNotBeNull();
    }

    /// <summary>A finalizer of the test's own keeps a deleted object terminating, as a namespace emptying itself is.</summary>
    private static void Hold(ProvisioningHarness harness, string path)
    {
        var stored = harness.Api.Get(path)!;
        stored["metadata"]!["finalizers"] = new JsonArray("test.guardrails.dev/hold");
        harness.Api.Upsert(stored);
    }

    private static void Release(ProvisioningHarness harness, string path)
    {
        var stored = harness.Api.Get(path)!;
        stored["metadata"]!.AsObject().Remove("finalizers");
        harness.Api.Upsert(stored);
    }

    [Fact]
    public async Task Deleting_the_environment_removes_what_was_created()
    {
        await using var harness = await ProvisioningHarness.StartAsync();
        harness.ApplyEnvironment(ProvisioningHarness.Spec());
        await harness.WaitForPhaseAsync("team-a-dev", "Ready");

        harness.Api.Delete("/apis/guardrails.dev/v1alpha1/environments/team-a-dev");

        await LiveStateHarness.EventuallyAsync(
            () => Task.FromResult(harness.Environment("team-a-dev") is null && harness.Api.Get("/api/v1/namespaces/team-a-dev") is null),
            $"environment and namespace gone; {Diagnose(harness)}");
        harness.Api.Get(Planned[1]).ShouldBeNull();
    }

    [Fact]
    public async Task An_expired_ephemeral_environment_is_deleted_with_its_namespace()
    {
        await using var harness = await ProvisioningHarness.StartAsync();

        harness.ApplyEnvironment(ProvisioningHarness.Spec(ttl: "2s"));
        await harness.WaitForPhaseAsync("team-a-dev", "Ready");

        await LiveStateHarness.EventuallyAsync(
            () => Task.FromResult(harness.Environment("team-a-dev") is null && harness.Api.Get("/api/v1/namespaces/team-a-dev") is null),
            $"expired environment removed; {Diagnose(harness)}");
    }

    [Fact]
    public async Task Deleting_an_environment_ends_its_reconciles()
    {
        await using var harness = await ProvisioningHarness.StartAsync();
        harness.ApplyEnvironment(ProvisioningHarness.Spec());
        await harness.WaitForPhaseAsync("team-a-dev", "Ready");
        harness.Api.Delete("/apis/guardrails.dev/v1alpha1/environments/team-a-dev");
        await LiveStateHarness.EventuallyAsync(() => Task.FromResult(harness.Environment("team-a-dev") is null), $"environment gone; {Diagnose(harness)}");

        await Task.Delay(500, TestContext.Current.CancellationToken);
        int Calls() => harness.Api.RequestLog.Count(r => r.Path.Contains("/environments/team-a-dev", StringComparison.Ordinal));
        var settled = Calls();
        await Task.Delay(1000, TestContext.Current.CancellationToken);

        // A reconcile of the deletion that its cache saw late used to re-create the Environment and chase its own writes.
        harness.Environment("team-a-dev").ShouldBeNull();
        Calls().ShouldBe(settled, Diagnose(harness));
    }

    [Fact]
    public async Task An_environment_being_deleted_is_let_through_admission_even_if_it_no_longer_passes()
    {
        await using var harness = await ProvisioningHarness.StartAsync();
        var environment = new JsonObject
        {
            ["apiVersion"] = "guardrails.dev/v1alpha1",
            ["kind"] = "Environment",
            ["metadata"] = new JsonObject { ["name"] = "team-a-dev", ["deletionTimestamp"] = "2026-11-21T12:00:00Z" },
            ["spec"] = ProvisioningHarness.Spec(cpu: "100"),
        };
        var review = JsonNode.Parse(Fixtures.Wrap(environment, "env-2", "guardrails.dev", "v1alpha1", "Environment"))!;
        review["request"]!["operation"] = "UPDATE";
        review["request"]!["oldObject"] = review["request"]!["object"]!.DeepClone();
        review["request"]!.AsObject().Remove("namespace");
        using var client = harness.Live.Guardrails.CreateClient();

        (await harness.Live.ValidateAsync(client, review.ToJsonString())).Allowed.ShouldBeTrue();
    }

    [Theory]
    [InlineData("100", true)]
    [InlineData("200", false)]
    public async Task An_update_is_judged_only_when_it_changes_the_spec(string newCpu, bool allowed)
    {
        await using var harness = await ProvisioningHarness.StartAsync();
        JsonObject Environment(string cpu) => new()
        {
            ["apiVersion"] = "guardrails.dev/v1alpha1",
            ["kind"] = "Environment",
            ["metadata"] = new JsonObject { ["name"] = "team-a-dev", ["finalizers"] = new JsonArray("guardrails.dev/cleanup") },
            ["spec"] = ProvisioningHarness.Spec(cpu: cpu),
        };

        // Both over the team's budget (as after the budget was lowered): a finalizer-only update passes, a spec change does not.
        var review = JsonNode.Parse(Fixtures.Wrap(Environment(newCpu), "env-3", "guardrails.dev", "v1alpha1", "Environment"))!;
        review["request"]!["operation"] = "UPDATE";
        var old = Environment("100");
        old["metadata"]!.AsObject().Remove("finalizers");
        review["request"]!["oldObject"] = old;
        review["request"]!.AsObject().Remove("namespace");
        using var client = harness.Live.Guardrails.CreateClient();

        var verdict = await harness.Live.ValidateAsync(client, review.ToJsonString());

        verdict.Allowed.ShouldBe(allowed, verdict.Message);
        if (!allowed)
        {
            verdict.Message!.ShouldContain("budget");
        }
    }

    [Fact]
    public async Task A_bad_environment_is_refused_at_admission_with_its_reasons()
    {
        await using var harness = await ProvisioningHarness.StartAsync();
        var environment = new JsonObject
        {
            ["apiVersion"] = "guardrails.dev/v1alpha1",
            ["kind"] = "Environment",
            ["metadata"] = new JsonObject { ["name"] = "team-a-dev" },
            ["spec"] = ProvisioningHarness.Spec(cpu: "100"),
        };
        var review = JsonNode.Parse(Fixtures.Wrap(environment, "env-1", "guardrails.dev", "v1alpha1", "Environment"))!;
        review["request"]!.AsObject().Remove("namespace");
        using var client = harness.Live.Guardrails.CreateClient();

        var verdict = await harness.Live.ValidateAsync(client, review.ToJsonString());

        verdict.Allowed.ShouldBeFalse();
        verdict.Message!.ShouldStartWith("Guardrails refused Environment team-a-dev");
        verdict.Message.ShouldContain("budget");
    }

    private static string Diagnose(ProvisioningHarness harness) =>
        $"deletes seen by the fake: {string.Join(", ", harness.Api.RequestLog.Where(r => r.Method == "DELETE").Select(r => r.Path))}; " +
        $"environment now: {harness.Environment("team-a-dev")?.ToJsonString()}; last log lines:\n" +
        string.Join("\n", harness.Live.Guardrails.Logs.Lines.Where(l => l.Contains("Provisioning", StringComparison.Ordinal) || l.Contains("Environment", StringComparison.Ordinal)).TakeLast(30));
}
