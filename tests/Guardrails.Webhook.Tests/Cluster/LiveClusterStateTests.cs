using System.Net;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Guardrails.Webhook.Tests.Cluster;

/// <summary>Live state over real list/watch against the fake API server, through every fault it can inject.</summary>
public sealed class LiveClusterStateTests
{
    // Only once every cache has synced: the workload caches start after the LimitRanges', so a quota can be seen
    // while the state as a whole is still unavailable (and quota-fits would only warn).
    private static Task<string> CpuHardAsync(LiveClusterState state) =>
        Task.FromResult(state.IsSynced ? state.Current.GetQuota("team-a").Quotas.SingleOrDefault()?.Hard["requests.cpu"].ToString() ?? "none" : "not synced");

    [Fact]
    public async Task Caches_converge_after_dropped_watches_expired_history_errors_and_a_restart()
    {
        await using var harness = await LiveStateHarness.StartAsync(bed => bed.Namespace("team-b"));
        var state = harness.Guardrails.App.Services.GetRequiredService<LiveClusterState>();
        await LiveStateHarness.EventuallyAsync(() => Task.FromResult(state.IsSynced), "initial sync");
        state.Current.GetNamespace("team-b").ShouldNotBeNull();

        harness.Quota("4", "0");
        await LiveStateHarness.EventuallyAsync(async () => await CpuHardAsync(state) == "4", "quota added through the watch");

        harness.Bed.Server.DropWatches();
        harness.Quota("5", "0");
        await LiveStateHarness.EventuallyAsync(async () => await CpuHardAsync(state) == "5", "after dropped watches");

        harness.Bed.Server.ExpireHistory();
        harness.Bed.Server.DropWatches();
        harness.Quota("6", "0");
        await LiveStateHarness.EventuallyAsync(async () => await CpuHardAsync(state) == "6", "after 410 Gone and a relist");

        harness.Bed.Server.FailNext(500, 2);
        harness.Bed.Server.DropWatches();
        harness.Quota("7", "0");
        await LiveStateHarness.EventuallyAsync(async () => await CpuHardAsync(state) == "7", "after server errors");

        await harness.Bed.Server.RestartAsync(TimeSpan.FromMilliseconds(300));
        harness.Quota("8", "0");
        harness.Bed.Server.Delete("/api/v1/namespaces/team-b");
        await LiveStateHarness.EventuallyAsync(async () => await CpuHardAsync(state) == "8" && state.Current.GetNamespace("team-b") is null, "after an apiserver restart");
        state.IsSynced.ShouldBeTrue();
        state.Current.Unavailable.ShouldBeNull();
    }

    [Fact]
    public async Task Readiness_follows_the_first_sync()
    {
        // Four failed lists back off for about 3 s before the quota cache can sync.
        await using var harness = await LiveStateHarness.StartAsync(bed => bed.Server.FailNext(503, 4, "resourcequotas"));

        using var client = harness.Guardrails.CreateClient();
        using var early = await client.GetAsync("/readyz", TestContext.Current.CancellationToken);
        early.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await early.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("cluster state caches have not synced");

        await LiveStateHarness.EventuallyAsync(
            async () => (await client.GetAsync("/readyz", TestContext.Current.CancellationToken)).StatusCode == HttpStatusCode.OK,
            "ready once synced");
    }

    [Fact]
    public async Task Not_ready_while_the_quota_list_keeps_failing()
    {
        await using var harness = await LiveStateHarness.StartAsync(bed => bed.Server.FailNext(503, 1000, "resourcequotas"));
        using var client = harness.Guardrails.CreateClient();

        await Task.Delay(500, TestContext.Current.CancellationToken);
        using var response = await client.GetAsync("/readyz", TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var verdict = await harness.ValidateAsync(client, LiveStateHarness.Deployment("web", 1, "1"));
        verdict.Allowed.ShouldBeTrue();
        verdict.Warnings.ShouldHaveSingleItem().ShouldContain("quota was not checked: cluster state is unavailable (cluster state has not synced yet (resourcequotas))");
    }

    [Fact]
    public async Task Quota_decisions_follow_live_updates_with_the_arithmetic()
    {
        await using var harness = await LiveStateHarness.StartAsync(bed => { });
        harness.Quota("20", "16");
        var state = harness.Guardrails.App.Services.GetRequiredService<LiveClusterState>();
        await LiveStateHarness.EventuallyAsync(async () => await CpuHardAsync(state) == "20", "quota seen");
        using var client = harness.Guardrails.CreateClient();

        var denied = await harness.ValidateAsync(client, LiveStateHarness.Deployment("web", 3, "2"));
        denied.Allowed.ShouldBeFalse();
        denied.Message!.ShouldContain("Deployment team-a/web needs requests.cpu 6 (3 replicas × 2) but ResourceQuota compute in team-a has 4 left (20 hard, 16 used)");

        harness.Quota("20", "2");
        await LiveStateHarness.EventuallyAsync(
            async () => (await harness.ValidateAsync(client, LiveStateHarness.Deployment("web", 3, "2"))).Allowed,
            "allowed once usage drops");
    }

    [Fact]
    public async Task Two_requests_that_fit_alone_but_not_together_are_not_both_admitted()
    {
        await using var harness = await LiveStateHarness.StartAsync();
        harness.Quota("4", "0");
        var state = harness.Guardrails.App.Services.GetRequiredService<LiveClusterState>();
        await LiveStateHarness.EventuallyAsync(async () => await CpuHardAsync(state) == "4", "quota seen");
        using var client = harness.Guardrails.CreateClient();

        var answers = await Task.WhenAll(
            harness.ValidateAsync(client, LiveStateHarness.Deployment("first", 3, "1")),
            harness.ValidateAsync(client, LiveStateHarness.Deployment("second", 3, "1")));

        answers.Count(a => a.Allowed).ShouldBe(1);
        answers.Single(a => !a.Allowed).Message!.ShouldContain("3 reserved by requests admitted moments ago");

        // The quota controller catches up: the reservation is released, and the numbers come from status again.
        harness.Quota("4", "3");
        await LiveStateHarness.EventuallyAsync(() => Task.FromResult(state.Reservations.Count == 0), "reservation released");
        var third = await harness.ValidateAsync(client, LiveStateHarness.Deployment("third", 1, "1"));
        third.Allowed.ShouldBeTrue();
    }

    [Fact]
    public async Task A_dry_run_request_reserves_nothing()
    {
        await using var harness = await LiveStateHarness.StartAsync();
        harness.Quota("4", "0");
        var state = harness.Guardrails.App.Services.GetRequiredService<LiveClusterState>();
        await LiveStateHarness.EventuallyAsync(async () => await CpuHardAsync(state) == "4", "quota seen");
        using var client = harness.Guardrails.CreateClient();
        var review = System.Text.Json.Nodes.JsonNode.Parse(LiveStateHarness.Deployment("web", 3, "1"))!;
        review["request"]!["dryRun"] = true;

        (await harness.ValidateAsync(client, review.ToJsonString())).Allowed.ShouldBeTrue();

        state.Reservations.Count.ShouldBe(0);
    }

    [Fact]
    public async Task Namespace_labels_from_the_cluster_feed_pack_selectors()
    {
        await using var harness = await LiveStateHarness.StartAsync(bed => bed.Server.Upsert(new
        {
            apiVersion = "v1",
            kind = "Namespace",
            metadata = new { name = "prod-a", labels = new Dictionary<string, string> { ["tier"] = "prod" } },
        }));
        var state = harness.Guardrails.App.Services.GetRequiredService<LiveClusterState>();
        await LiveStateHarness.EventuallyAsync(() => Task.FromResult(state.Current.GetNamespace("prod-a") is not null), "namespace seen");

        state.Current.GetNamespace("prod-a")!.Labels["tier"].ShouldBe("prod");
    }
}
