using System.Text.Json.Nodes;
using Guardrails.Webhook.Admission.Refusals;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Tests.Cluster;
using Guardrails.Webhook.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Guardrails.Webhook.Tests.Admission.Refusals;

/// <summary>Issue 11, item 2: a refused controller write is visible where the user looks, as a Warning Event on their Deployment.</summary>
public sealed class RefusalEventTests
{
    private const string Events = "/api/v1/namespaces/team-a/events";

    /// <summary>A Deployment and its ReplicaSet in the cluster, a full quota, and a pod the ReplicaSet's template does not cover.</summary>
    private static async Task<LiveStateHarness> StartAsync()
    {
        var harness = await LiveStateHarness.StartAsync(packs: OwnerChainTests.QuotaPack);
        harness.Quota("1", "1");
        var deployment = JsonNode.Parse(OwnerChainTests.Deployment("web", "dep-1", 2, "500m"))!["request"]!["object"]!;
        var replicaSet = JsonNode.Parse(OwnerChainTests.ReplicaSet("web-1", "rs-1", "dep-1", 2, "500m"))!["request"]!["object"]!;
        harness.Bed.Server.Upsert(deployment, keepUid: true);
        harness.Bed.Server.Upsert(replicaSet, keepUid: true);
        var state = harness.Guardrails.App.Services.GetRequiredService<LiveClusterState>();
        await LiveStateHarness.EventuallyAsync(
            () => Task.FromResult(state.IsSynced && state.Current.GetWorkload("team-a", "rs-1") is not null && state.Current.GetQuota("team-a").Quotas.Count == 1),
            "workloads and quota cached");
        return harness;
    }

    private static string ControllerPod(string name, string user = "system:kube-controller-manager")
    {
        var review = JsonNode.Parse(OwnerChainTests.Pod(name, "rs-1", "600m"))!;
        review["request"]!["userInfo"]!["username"] = user;
        return review.ToJsonString();
    }

    [Fact]
    public async Task A_refused_controller_pod_is_recorded_as_a_warning_event_on_the_deployment()
    {
        await using var harness = await StartAsync();
        using var client = harness.Guardrails.CreateClient();

        var verdict = await harness.ValidateAsync(client, ControllerPod("web-1-a"));

        verdict.Allowed.ShouldBeFalse();
        await LiveStateHarness.EventuallyAsync(() => Task.FromResult(harness.Bed.Server.List(Events).Count == 1), "event written");
        var recorded = harness.Bed.Server.List(Events).Single();
        recorded["type"]!.GetValue<string>().ShouldBe("Warning");
        recorded["reason"]!.GetValue<string>().ShouldBe(RefusalEventWriter.Reason);
        recorded["involvedObject"]!["kind"]!.GetValue<string>().ShouldBe("Deployment");
        recorded["involvedObject"]!["name"]!.GetValue<string>().ShouldBe("web");
        recorded["involvedObject"]!["uid"]!.GetValue<string>().ShouldBe("dep-1");
        recorded["involvedObject"]!["apiVersion"]!.GetValue<string>().ShouldBe("apps/v1");
        recorded["message"]!.GetValue<string>().ShouldContain("[quota-fits]");
        recorded["message"]!.GetValue<string>().ShouldContain("Pod team-a/web-1-a needs requests.cpu 600m (1 pod × 600m) but ResourceQuota compute in team-a has 0 left (1 hard, 1 used)");
    }

    [Fact]
    public async Task A_refused_scale_by_the_hpa_controller_is_recorded_on_the_deployment_it_scales()
    {
        await using var harness = await StartAsync();
        using var client = harness.Guardrails.CreateClient();
        var scale = new JsonObject
        {
            ["apiVersion"] = "autoscaling/v1",
            ["kind"] = "Scale",
            ["metadata"] = new JsonObject { ["name"] = "web", ["namespace"] = "team-a", ["uid"] = "dep-1" },
            ["spec"] = new JsonObject { ["replicas"] = 5 },
        };
        var review = JsonNode.Parse(Fixtures.Wrap(scale, "scale-1", "autoscaling", "v1", "Scale"))!;
        review["request"]!["subResource"] = "scale";
        review["request"]!["operation"] = "UPDATE";
        review["request"]!["oldObject"] = JsonNode.Parse("""{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"web","namespace":"team-a","uid":"dep-1"},"spec":{"replicas":2}}""");
        review["request"]!["userInfo"]!["username"] = "system:serviceaccount:kube-system:horizontal-pod-autoscaler";

        var verdict = await harness.ValidateAsync(client, review.ToJsonString());

        verdict.Allowed.ShouldBeFalse();
        verdict.Message!.ShouldContain("Deployment team-a/web needs requests.cpu 2500m (5 replicas × 500m)");
        await LiveStateHarness.EventuallyAsync(() => Task.FromResult(harness.Bed.Server.List(Events).Count == 1), "event written");
        var recorded = harness.Bed.Server.List(Events).Single();
        recorded["involvedObject"]!["name"]!.GetValue<string>().ShouldBe("web");
        recorded["involvedObject"]!["kind"]!.GetValue<string>().ShouldBe("Deployment");
    }

    [Fact]
    public async Task A_controller_retrying_gets_one_event_per_interval()
    {
        await using var harness = await StartAsync();
        using var client = harness.Guardrails.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            (await harness.ValidateAsync(client, ControllerPod($"web-1-{i}"))).Allowed.ShouldBeFalse();
        }

        await LiveStateHarness.EventuallyAsync(() => Task.FromResult(harness.Bed.Server.List(Events).Count == 1), "event written");
        await Task.Delay(300, TestContext.Current.CancellationToken);
        harness.Bed.Server.List(Events).Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_events_api_that_never_answers_does_not_hold_up_or_change_verdicts()
    {
        await using var harness = await StartAsync();
        harness.Bed.Server.HangNext(100, "/events");
        using var client = harness.Guardrails.CreateClient();

        // The writer is stuck on the first event; admission answers regardless, and the same way.
        (await harness.ValidateAsync(client, ControllerPod("web-1-a"))).Allowed.ShouldBeFalse();
        (await harness.ValidateAsync(client, ControllerPod("web-1-b"))).Allowed.ShouldBeFalse();
        (await harness.ValidateAsync(client, OwnerChainTests.Deployment("other", "dep-2", 1, "1"))).Message.ShouldNotBeNull().ShouldContain("has 0 left");
        harness.Bed.Server.List(Events).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_person_who_is_refused_sees_the_refusal_and_gets_no_event()
    {
        await using var harness = await StartAsync();
        using var client = harness.Guardrails.CreateClient();

        (await harness.ValidateAsync(client, ControllerPod("web-1-a", user: "dev@example.com"))).Allowed.ShouldBeFalse();

        await Task.Delay(300, TestContext.Current.CancellationToken);
        harness.Bed.Server.List(Events).ShouldBeEmpty();
    }
}
