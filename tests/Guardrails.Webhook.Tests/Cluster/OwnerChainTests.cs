using System.Text.Json.Nodes;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Guardrails.Webhook.Tests.Cluster;

/// <summary>
/// Issue 11, item 1: a Deployment that takes most of what is free gets its ReplicaSet and Pods, because the
/// controllers' writes draw on the Deployment's reservation instead of being charged again.
/// </summary>
public sealed class OwnerChainTests
{
    private static JsonObject Template(string cpu) => new()
    {
        ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "web" } },
        ["spec"] = JsonNode.Parse("""{"containers":[{"name":"app","image":"nginx:1.27","resources":{"requests":{"cpu":"CPU"}}}]}""".Replace("CPU", cpu, StringComparison.Ordinal)),
    };

    private static JsonArray Owner(string kind, string name, string uid) =>
        [new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = kind, ["name"] = name, ["uid"] = uid, ["controller"] = true }];

    internal static string Deployment(string name, string uid, int replicas, string cpu) => Fixtures.Wrap(
        new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "team-a", ["uid"] = uid },
            ["spec"] = new JsonObject { ["replicas"] = replicas, ["strategy"] = new JsonObject { ["type"] = "Recreate" }, ["template"] = Template(cpu) },
        },
        $"review-{Guid.NewGuid():N}",
        "apps",
        "v1",
        "Deployment");

    internal static string ReplicaSet(string name, string uid, string ownerUid, int replicas, string cpu) => Fixtures.Wrap(
        new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ReplicaSet",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "team-a", ["uid"] = uid, ["ownerReferences"] = Owner("Deployment", "web", ownerUid) },
            ["spec"] = new JsonObject { ["replicas"] = replicas, ["template"] = Template(cpu) },
        },
        $"review-{Guid.NewGuid():N}",
        "apps",
        "v1",
        "ReplicaSet");

    internal static string Pod(string name, string ownerUid, string cpu) => Fixtures.Wrap(
        new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "team-a", ["uid"] = $"pod-{Guid.NewGuid():N}", ["ownerReferences"] = Owner("ReplicaSet", "web-1", ownerUid) },
            ["spec"] = Template(cpu)["spec"]!.DeepClone(),
        },
        $"review-{Guid.NewGuid():N}",
        "",
        "v1",
        "Pod");

    [Fact]
    public async Task A_deployment_using_three_quarters_of_free_quota_gets_its_replicaset_and_every_pod()
    {
        await using var harness = await LiveStateHarness.StartAsync(packs: QuotaPack);
        harness.Quota("2", "0");
        var state = harness.Guardrails.App.Services.GetRequiredService<LiveClusterState>();
        await LiveStateHarness.EventuallyAsync(() => Task.FromResult(state.IsSynced && state.Current.GetQuota("team-a").Quotas.Count == 1), "quota seen");
        using var client = harness.Guardrails.CreateClient();

        (await harness.ValidateAsync(client, Deployment("web", "dep-1", 3, "500m"))).Allowed.ShouldBeTrue();

        // Milliseconds later, before any watch event: the deployment controller's ReplicaSet, then its pods.
        var replicaSet = await harness.ValidateAsync(client, ReplicaSet("web-1", "rs-1", "dep-1", 3, "500m"));
        replicaSet.Allowed.ShouldBeTrue(replicaSet.Message);
        for (var i = 0; i < 3; i++)
        {
            var pod = await harness.ValidateAsync(client, Pod($"web-1-{i}", "rs-1", "500m"));
            pod.Allowed.ShouldBeTrue(pod.Message);
        }

        // The pods were not charged again: what is reserved is the Deployment's 1500m, and 500m is left for others.
        state.Current.GetQuota("team-a").Quotas.Single().ReservedOf("requests.cpu").ToString().ShouldBe("1500m");
        (await harness.ValidateAsync(client, Deployment("small", "dep-2", 1, "500m"))).Allowed.ShouldBeTrue();
        var tooMuch = await harness.ValidateAsync(client, Deployment("more", "dep-3", 1, "100m"));
        tooMuch.Allowed.ShouldBeFalse();
        tooMuch.Message!.ShouldContain("has 0 left (2 hard, 0 used, 2 reserved by requests admitted moments ago)");
    }

    [Fact]
    public async Task Pods_that_exist_are_counted_once_in_used_not_again_in_reserved()
    {
        await using var harness = await LiveStateHarness.StartAsync(packs: QuotaPack);
        harness.Quota("2", "0");
        var state = harness.Guardrails.App.Services.GetRequiredService<LiveClusterState>();
        await LiveStateHarness.EventuallyAsync(() => Task.FromResult(state.IsSynced && state.Current.GetQuota("team-a").Quotas.Count == 1), "quota seen");
        using var client = harness.Guardrails.CreateClient();
        (await harness.ValidateAsync(client, Deployment("web", "dep-1", 3, "500m"))).Allowed.ShouldBeTrue();

        // Two of its three pods exist now: the quota controller counts 1 core; 500m of the reservation is outstanding.
        harness.Quota("2", "1");
        await LiveStateHarness.EventuallyAsync(
            () => Task.FromResult(state.Current.GetQuota("team-a").Quotas.Single().ReservedOf("requests.cpu").ToString() == "500m"),
            "reservation shrinks as used grows");
        (await harness.ValidateAsync(client, Deployment("other", "dep-2", 1, "500m"))).Allowed.ShouldBeTrue();
    }

    [Fact]
    public async Task A_replicaset_scaled_by_hand_beyond_its_deployment_is_judged_on_its_own()
    {
        await using var harness = await LiveStateHarness.StartAsync(packs: QuotaPack);
        harness.Quota("2", "0");
        var state = harness.Guardrails.App.Services.GetRequiredService<LiveClusterState>();
        await LiveStateHarness.EventuallyAsync(() => Task.FromResult(state.IsSynced && state.Current.GetQuota("team-a").Quotas.Count == 1), "quota seen");
        using var client = harness.Guardrails.CreateClient();
        (await harness.ValidateAsync(client, Deployment("web", "dep-1", 3, "500m"))).Allowed.ShouldBeTrue();

        var denied = await harness.ValidateAsync(client, ReplicaSet("web-1", "rs-1", "dep-1", 5, "500m"));

        denied.Allowed.ShouldBeFalse();
        denied.Message!.ShouldContain("ReplicaSet team-a/web-1 needs requests.cpu 2500m (5 replicas × 500m)");
    }

    [Fact]
    public async Task A_replicaset_scaled_right_after_an_admitted_scale_draws_on_the_new_replicas_before_the_watch_shows_them()
    {
        await using var harness = await LiveStateHarness.StartAsync(packs: QuotaPack);
        harness.Quota("4", "1");
        harness.Bed.Server.Upsert(JsonNode.Parse(Deployment("web", "dep-1", 2, "500m"))!["request"]!["object"]!, keepUid: true);
        harness.Bed.Server.Upsert(JsonNode.Parse(ReplicaSet("web-1", "rs-1", "dep-1", 2, "500m"))!["request"]!["object"]!, keepUid: true);
        var state = harness.Guardrails.App.Services.GetRequiredService<LiveClusterState>();
        await LiveStateHarness.EventuallyAsync(
            () => Task.FromResult(state.IsSynced && state.Current.GetWorkload("team-a", "rs-1") is not null && state.Current.GetQuota("team-a").Quotas.Count == 1),
            "workloads and quota cached");
        using var client = harness.Guardrails.CreateClient();

        // kubectl scale --replicas=6: 3 CPU, 2 more than now, of the 3 left.
        var scale = JsonNode.Parse(Fixtures.Wrap(
            JsonNode.Parse("""{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"web","namespace":"team-a","uid":"dep-1"},"spec":{"replicas":6}}""")!,
            "scale-1",
            "autoscaling",
            "v1",
            "Scale"))!;
        scale["request"]!["subResource"] = "scale";
        scale["request"]!["operation"] = "UPDATE";
        scale["request"]!["oldObject"] = JsonNode.Parse("""{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"web","namespace":"team-a","uid":"dep-1"},"spec":{"replicas":2}}""");
        (await harness.ValidateAsync(client, scale.ToJsonString())).Allowed.ShouldBeTrue();

        // The deployment controller's ReplicaSet update, before any watch event says the Deployment has 6 replicas.
        var update = JsonNode.Parse(ReplicaSet("web-1", "rs-1", "dep-1", 6, "500m"))!;
        update["request"]!["operation"] = "UPDATE";
        update["request"]!["oldObject"] = JsonNode.Parse(ReplicaSet("web-1", "rs-1", "dep-1", 2, "500m"))!["request"]!["object"]!.DeepClone();
        update["request"]!["userInfo"]!["username"] = "system:kube-controller-manager";
        var verdict = await harness.ValidateAsync(client, update.ToJsonString());

        verdict.Allowed.ShouldBeTrue(verdict.Message);
        state.Current.GetQuota("team-a").Quotas.Single().ReservedOf("requests.cpu").ToString().ShouldBe("2");
    }

    internal const string QuotaPack = """
        apiVersion: guardrails.dev/v1alpha1
        kind: RulePack
        metadata: { name: quota-only }
        spec:
          rules:
            - id: quota-fits
              mode: Enforce
        """;
}
