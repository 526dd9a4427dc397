using System.Net;
using Guardrails.Webhook.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace Guardrails.Webhook.Tests.Cluster;

public sealed class ExceptionCacheTests
{
    [Fact]
    public async Task A_cluster_without_the_PolicyException_CRD_has_no_exceptions_and_is_ready()
    {
        // The fake answers 404 for policyexceptions, as an apiserver without the CRD does.
        await using var harness = await LiveStateHarness.StartAsync(bed => bed.Server.FailNext(404, 100_000, "policyexceptions"));
        var state = harness.Guardrails.App.Services.GetRequiredService<LiveClusterState>();

        await LiveStateHarness.EventuallyAsync(() => Task.FromResult(state.IsSynced), "synced without the CRD");

        state.Caches.ShouldContain(c => c.Type.Plural == "policyexceptions" && c.Synced && c.Failing == null);
        state.Current.Unavailable.ShouldBeNull();
        harness.Guardrails.App.Services.GetRequiredService<ExceptionCache>().Current.IsEmpty.ShouldBeTrue();
        using var client = harness.Guardrails.CreateClient();
        using var ready = await client.GetAsync("/readyz", TestContext.Current.CancellationToken);
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_exception_that_becomes_unreadable_stops_covering()
    {
        await using var harness = await LiveStateHarness.StartAsync();
        var cache = harness.Guardrails.App.Services.GetRequiredService<ExceptionCache>();
        var exception = new
        {
            apiVersion = "guardrails.dev/v1alpha1",
            kind = "PolicyException",
            metadata = new { name = "e", @namespace = "team-a" },
            spec = new { rule = "run-as-non-root", target = new { kind = "Deployment", name = "web" }, reason = "r", expires = "2099-01-01T00:00:00Z" },
        };
        harness.Bed.Server.Upsert(exception);
        await LiveStateHarness.EventuallyAsync(() => Task.FromResult(cache.Current.For("team-a", "run-as-non-root").Length == 1), "cached");

        harness.Bed.Server.Upsert(new { exception.apiVersion, exception.kind, exception.metadata, spec = new { rule = "run-as-non-root", reason = "r" } });

        await LiveStateHarness.EventuallyAsync(() => Task.FromResult(cache.Current.IsEmpty), "dropped once unreadable");
    }
}
