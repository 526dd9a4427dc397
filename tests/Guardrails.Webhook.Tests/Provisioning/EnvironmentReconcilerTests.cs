using System.Text.Json;
using System.Text.Json.Nodes;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Cluster.Api;
using Guardrails.Webhook.Provisioning;
using Guardrails.Webhook.Tests.Hosting.Tls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Guardrails.Webhook.Tests.Provisioning;

/// <summary>
/// One reconcile from a cache that is behind the API server, as a watch always can be. Before these, a reconcile of a
/// deletion the cache saw late re-created the deleted Environment with server-side apply, and the controller then
/// chased its own writes for as long as the process ran. Another replica holds the Lease throughout, so the harness's
/// own controller stays out of the way of the reconciler under test.
/// </summary>
[Collection(ProvisioningLifecycleCollection.Name)]
public sealed class EnvironmentReconcilerTests
{
    private const string Name = "team-a-ghost";
    private const string Path = "/apis/guardrails.dev/v1alpha1/environments/" + Name;

    [Fact]
    public async Task A_deletion_seen_after_the_environment_is_gone_does_not_bring_it_back()
    {
        await using var harness = await ProvisioningHarness.StartAsync(controllerLeads: false);
        var stale = Cached(Ghost(finalizers: ["guardrails.dev/cleanup"], deleting: true));

        var outcome = await Reconciler(harness, stale).ReconcileAsync(Name, TestContext.Current.CancellationToken);

        outcome.ShouldBe(ReconcileOutcome.Done);
        harness.Environment(Name).ShouldBeNull();
    }

    [Fact]
    public async Task An_environment_deleted_before_its_first_reconcile_is_not_created_again()
    {
        await using var harness = await ProvisioningHarness.StartAsync(controllerLeads: false);
        var stale = Cached(Ghost(finalizers: [], deleting: false));

        var outcome = await Reconciler(harness, stale).ReconcileAsync(Name, TestContext.Current.CancellationToken);

        outcome.ShouldBe(ReconcileOutcome.Done);
        harness.Environment(Name).ShouldBeNull();
        harness.Api.Get("/api/v1/namespaces/team-a-ghost").ShouldBeNull();
    }

    [Fact]
    public async Task Removing_its_finalizer_keeps_one_another_controller_added_since_the_cache_saw_it()
    {
        await using var harness = await ProvisioningHarness.StartAsync(controllerLeads: false);
        var stale = Cached(Ghost(finalizers: ["guardrails.dev/cleanup"], deleting: true));
        harness.Api.Upsert(Ghost(finalizers: ["guardrails.dev/cleanup", "other.dev/keep"], deleting: false));
        harness.Api.Delete(Path);

        await Reconciler(harness, stale).ReconcileAsync(Name, TestContext.Current.CancellationToken);

        var environment = harness.Environment(Name);
        environment.ShouldNotBeNull("another controller's finalizer still holds it");
        environment["metadata"]!["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()).ShouldBe(["other.dev/keep"]);
    }

    [Fact]
    public async Task An_expired_environment_is_deleted_only_if_it_is_still_the_same_object()
    {
        await using var harness = await ProvisioningHarness.StartAsync(controllerLeads: false);
        var expired = Ghost(finalizers: ["guardrails.dev/cleanup"], deleting: false);
        expired["metadata"]!["uid"] = "uid-of-the-expired-one";
        expired["metadata"]!["creationTimestamp"] = "2020-01-01T00:00:00Z";
        expired["spec"]!["ttl"] = "1h";
        var stale = Cached(expired);
        harness.Api.Upsert(Ghost(finalizers: [], deleting: false));

        var outcome = await Reconciler(harness, stale).ReconcileAsync(Name, TestContext.Current.CancellationToken);

        outcome.RequeueAfter.ShouldNotBeNull("a conflict is looked at again");
        harness.Environment(Name).ShouldNotBeNull("a new Environment of the same name has its own clock");
    }

    [Fact]
    public async Task Reconciling_a_rejected_environment_again_later_writes_nothing()
    {
        await using var harness = await ProvisioningHarness.StartAsync(controllerLeads: false);
        var overBudget = Ghost(finalizers: ["guardrails.dev/cleanup"], deleting: false);
        overBudget["spec"]!["resources"]!["cpu"] = "100";
        overBudget.Remove("status");
        var stored = harness.Api.Upsert(overBudget);
        await Reconciler(harness, Cached(stored)).ReconcileAsync(Name, TestContext.Current.CancellationToken);
        var rejected = harness.Environment(Name)!;
        rejected["status"]!["phase"]!.GetValue<string>().ShouldBe("Rejected");
        var later = new ManualTimeProvider(DateTimeOffset.UtcNow.AddHours(1));

        await Reconciler(harness, Cached(rejected), later).ReconcileAsync(Name, TestContext.Current.CancellationToken);

        // Conditions keep the time the status changed, so the same verdict is the same status: no write, no watch event.
        harness.Environment(Name)!["metadata"]!["resourceVersion"]!.GetValue<string>().ShouldBe(rejected["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    private static JsonObject Ghost(string[] finalizers, bool deleting)
    {
        var metadata = new JsonObject
        {
            ["name"] = Name,
            ["uid"] = "uid-ghost",
            ["resourceVersion"] = "1",
            ["generation"] = 1,
            ["finalizers"] = new JsonArray([.. finalizers.Select(f => JsonValue.Create(f))]),
        };
        if (deleting)
        {
            metadata["deletionTimestamp"] = "2026-11-21T12:00:00Z";
        }

        return new JsonObject
        {
            ["apiVersion"] = "guardrails.dev/v1alpha1",
            ["kind"] = "Environment",
            ["metadata"] = metadata,
            ["spec"] = ProvisioningHarness.Spec(name: "ghost", cpu: "1"),
            ["status"] = new JsonObject { ["phase"] = "Ready", ["namespace"] = Name },
        };
    }

    private static EnvironmentCache Cached(JsonObject environment)
    {
        var cache = new EnvironmentCache();
        using var document = JsonDocument.Parse(environment.ToJsonString());
        cache.Replace(ProvisioningApi.Environments, [document.RootElement]);
        return cache;
    }

    private static EnvironmentReconciler Reconciler(ProvisioningHarness harness, EnvironmentCache cache, TimeProvider? time = null)
    {
        var services = harness.Live.Guardrails.App.Services;
        return new EnvironmentReconciler(
            services.GetRequiredService<IKubernetesApi>(),
            services.GetRequiredService<EnvironmentPreCheckService>(),
            services.GetRequiredService<IClusterStateSource>(),
            cache,
            time ?? TimeProvider.System,
            NullLogger<EnvironmentReconciler>.Instance);
    }
}
