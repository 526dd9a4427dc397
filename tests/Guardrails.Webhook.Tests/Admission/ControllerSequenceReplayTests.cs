using System.Text;
using System.Text.Json.Nodes;
using Guardrails.Tests;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Tests.Cluster;
using Guardrails.Webhook.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Guardrails.Webhook.Tests.Admission;

/// <summary>
/// Replays <c>fixtures/admission/v1.26</c>, what a real v1.26.1 apiserver and its controllers sent, folder after
/// folder in arrival order, to a real Guardrails over HTTPS whose live state watches the fake API server. Quota
/// status is fed from the recorded <c>quota-after.json</c> at each folder's end; the objects Guardrails admits are
/// written to the fake so its watches deliver them, as a cluster would.
/// <para>
/// The recorded workloads run as root and some set no limits, so the shipped baseline pack would refuse them all
/// for reasons that have nothing to do with quota: the replay runs a pack with quota-fits alone, <c>countSurge:
/// false</c> (the recording's quota of 2 cores fits 4 pods of 500m exactly, as native quota allowed).
/// </para>
/// <para>
/// What a refusal would have prevented is not replayed: after Guardrails refuses an object the user sent, the
/// controllers' writes that follow from it (a refused CronJob's Job, its Pods; the ReplicaSet updates of a refused
/// scale) never happen in a cluster where Guardrails runs, so they are skipped, and said so in the transcript.
/// </para>
/// </summary>
public sealed class ControllerSequenceReplayTests
{
    private const string Namespace = "rec-team";

    private const string QuotaOnly = """
        apiVersion: guardrails.dev/v1alpha1
        kind: RulePack
        metadata: { name: quota-only }
        spec:
          rules:
            - id: quota-fits
              mode: Enforce
              parameters:
                countSurge: false
        """;

    /// <summary>The objects the person sent that do not fit, each refused once, where they were sent.</summary>
    private static readonly Dictionary<string, string> ExpectedRefusals = new(StringComparer.Ordinal)
    {
        ["0090-validate-UPDATE-Scale-scale-web.json"] = "Deployment rec-team/web needs requests.cpu 5 (10 replicas × 500m) but ResourceQuota compute in rec-team has 0 left (2 hard, 2 used; 2 released by its current version)",
        ["0195-validate-CREATE-CronJob-nightly.json"] = "CronJob rec-team/nightly needs requests.cpu 100m (parallelism 1 × 100m) but ResourceQuota compute in rec-team has 0 left (2 hard, 2 used)",
        ["0211-validate-CREATE-StatefulSet-db.json"] = "StatefulSet rec-team/db needs requests.cpu 100m (1 replica × 100m) but ResourceQuota compute in rec-team has 0 left (2 hard, 2 used)",
        ["0277-validate-CREATE-Deployment-big.json"] = "Deployment rec-team/big needs requests.cpu 4 (8 replicas × 500m) but ResourceQuota compute in rec-team has 0 left (2 hard, 2 used)",
    };

    private static string Folder(string name) => Path.Combine(RepoPaths.AdmissionFixtures, "v1.26", name);

    [Fact]
    public async Task Every_controller_write_of_an_admitted_workload_is_allowed_and_what_does_not_fit_is_refused_once_where_it_was_sent()
    {
        await using var harness = await LiveStateHarness.StartAsync(packs: QuotaOnly);
        var state = harness.Guardrails.App.Services.GetRequiredService<LiveClusterState>();
        Seed(harness);
        await WaitForQuotaAsync(harness, state, Path.Combine(Folder("00-namespace-and-quota"), "quota-after.json"));
        using var client = harness.Guardrails.CreateClient();

        var transcript = new StringBuilder();
        var refused = new Dictionary<string, string>(StringComparer.Ordinal);
        var allowedControllerWrites = 0;
        var absent = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folder in Directory.GetDirectories(Path.Combine(RepoPaths.AdmissionFixtures, "v1.26")).Order(StringComparer.Ordinal))
        {
            transcript.AppendLine(Path.GetFileName(folder));
            var changeRefused = new HashSet<string>(StringComparer.Ordinal);
            foreach (var file in Directory.GetFiles(folder, "0*.json").Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file);
                var body = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
                var request = JsonNode.Parse(body)!["request"]!;
                var obj = request["object"] as JsonObject;
                var uid = obj?["metadata"]?["uid"]?.GetValue<string>();
                var owner = Controller(obj);
                var create = request["operation"]!.GetValue<string>() == "CREATE";
                if (owner is not null && (absent.Contains(owner) || changeRefused.Contains(owner)))
                {
                    transcript.AppendLine($"  {name}: skipped, follows from a refusal");
                    (create ? absent : changeRefused).Add(uid ?? name);
                    continue;
                }

                var door = name.Contains("-mutate-", StringComparison.Ordinal) ? "/mutate" : "/validate";
                var response = await harness.ValidateAsync(client, body, door);
                transcript.AppendLine($"  {name}: {(response.Allowed ? "allowed" : "refused")}{(response.Warnings.Count > 0 ? " with warning" : "")}");
                if (!response.Allowed)
                {
                    refused[name] = response.Message ?? "";
                    (create ? absent : changeRefused).Add(uid ?? name);
                    continue;
                }

                if (door == "/validate")
                {
                    allowedControllerWrites += request["userInfo"]!["username"]!.GetValue<string>() == "system:kube-controller-manager" ? 1 : 0;
                    Deliver(harness, request, obj);
                }
            }

            var quotaAfter = Path.Combine(folder, "quota-after.json");
            if (File.Exists(quotaAfter))
            {
                await WaitForQuotaAsync(harness, state, quotaAfter);
            }
        }

        refused.Keys.Order(StringComparer.Ordinal).ShouldBe(ExpectedRefusals.Keys.Order(StringComparer.Ordinal), transcript.ToString());
        foreach (var (file, message) in ExpectedRefusals)
        {
            refused[file].ShouldContain(message, Case.Sensitive, transcript.ToString());
        }

        // The controllers' ReplicaSets, their scaling, every Pod of web's ReplicaSets, and the Pod DELETEs.
        allowedControllerWrites.ShouldBeGreaterThan(30, transcript.ToString());
        transcript.ToString().ShouldContain("0265-validate-CREATE-HorizontalPodAutoscaler-web.json: allowed with warning");
    }

    [Fact]
    public async Task The_hpa_warning_says_what_max_replicas_would_need()
    {
        await using var harness = await LiveStateHarness.StartAsync(packs: QuotaOnly);
        var state = harness.Guardrails.App.Services.GetRequiredService<LiveClusterState>();
        Seed(harness);
        await WaitForQuotaAsync(harness, state, Path.Combine(Folder("06-deployment-apply-replicas-change"), "quota-after.json"));
        var deployment = Read(Folder("06-deployment-apply-replicas-change"), "0180-validate-UPDATE-Deployment-web.json")["request"]!["object"]!;
        harness.Bed.Server.Upsert(deployment.DeepClone(), keepUid: true);
        await LiveStateHarness.EventuallyAsync(() => Task.FromResult(state.Current.FindWorkload(Namespace, "Deployment", "web") is not null), "web cached");
        using var client = harness.Guardrails.CreateClient();

        var response = await harness.ValidateAsync(client, Read(Folder("09-pdb-hpa-service-ingress-networkpolicy"), "0265-validate-CREATE-HorizontalPodAutoscaler-web.json").ToJsonString());

        response.Allowed.ShouldBeTrue();
        // One warning per quota resource maxReplicas exceeds: requests.cpu and .memory, limits.memory, pods.
        response.Warnings.Count.ShouldBe(4);
        response.Warnings.ShouldContain(w => w.Contains(
            "HorizontalPodAutoscaler rec-team/web may scale Deployment web to maxReplicas 20, which needs requests.cpu 10 (20 replicas × 500m) but ResourceQuota compute in rec-team has 0 left (2 hard, 2 used; 1500m released by its current version)",
            StringComparison.Ordinal));
    }

    private static JsonNode Read(string folder, string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(folder, file)))!;

    private static string? Controller(JsonObject? obj) =>
        obj?["metadata"]?["ownerReferences"]?.AsArray()
            .FirstOrDefault(o => o?["controller"]?.GetValue<bool>() == true)?["uid"]?.GetValue<string>();

    /// <summary>The namespace, its LimitRange and its quota as the folder 00 requests created them.</summary>
    private static void Seed(LiveStateHarness harness)
    {
        var setup = Folder("00-namespace-and-quota");
        harness.Bed.Server.Upsert(new { apiVersion = "v1", kind = "Namespace", metadata = new { name = Namespace } });
        harness.Bed.Server.Upsert(Read(setup, "0010-validate-CREATE-LimitRange-defaults.json")["request"]!["object"]!.DeepClone());
    }

    /// <summary>What the watch would deliver after the apiserver stored an admitted write.</summary>
    private static void Deliver(LiveStateHarness harness, JsonNode request, JsonObject? obj)
    {
        var kind = request["kind"]!["kind"]!.GetValue<string>();
        if (request["subResource"]?.GetValue<string>() == "scale")
        {
            var path = $"/apis/apps/v1/namespaces/{Namespace}/deployments/{request["name"]!.GetValue<string>()}";
            if (harness.Bed.Server.Get(path) is { } stored)
            {
                stored["spec"]!["replicas"] = obj!["spec"]!["replicas"]!.GetValue<long>();
                harness.Bed.Server.Upsert(stored, keepUid: true);
            }

            return;
        }

        if (obj is not null && kind is "Deployment" or "ReplicaSet" or "StatefulSet" or "Job" or "CronJob")
        {
            harness.Bed.Server.Upsert(obj.DeepClone(), keepUid: true);
        }
    }

    /// <summary>The quota controller's status at the end of a folder, seen by Guardrails before the next one starts.</summary>
    private static async Task WaitForQuotaAsync(LiveStateHarness harness, LiveClusterState state, string quotaFile)
    {
        var quota = JsonNode.Parse(await File.ReadAllTextAsync(quotaFile))!["items"]![0]!;
        var cpu = quota["status"]!["used"]!["requests.cpu"]!.GetValue<string>();
        harness.Bed.Server.Upsert(quota.DeepClone());
        await LiveStateHarness.EventuallyAsync(
            () => Task.FromResult(state.IsSynced && state.Current.GetQuota(Namespace).Quotas.SingleOrDefault()?.UsedOf("requests.cpu") == Policies.Quantities.Quantity.Parse(cpu)),
            $"quota status from {quotaFile}");
    }
}
