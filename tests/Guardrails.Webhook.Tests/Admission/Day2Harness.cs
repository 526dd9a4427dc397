using System.Text.Json.Nodes;
using Guardrails.Tests;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Tests.Cluster;
using Guardrails.Webhook.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Guardrails.Webhook.Tests.Admission;

/// <summary>The shipped day2 pack served against a fake API server holding namespace rec-team (opted in) and what a test seeds.</summary>
internal static class Day2Harness
{
    public const string Namespace = "rec-team";
    public const string Sequence = "v1.26/09-pdb-hpa-service-ingress-networkpolicy/";
    public const string CreateDeployment = "v1.26/01-deployment-create-3x500m/0012-validate-CREATE-Deployment-web.json";

    /// <summary>Every rule in Enforce but probes-required (the recorded Deployment has no readiness probe, and only warns for it).</summary>
    public static string EnforcedPack => File.ReadAllText(Path.Combine(RepoPaths.Policies, "day2.yaml"))
        .Replace("enabled: false", "enabled: true", StringComparison.Ordinal)
        .Replace("mode: Warn", "mode: Enforce", StringComparison.Ordinal)
        .Replace("- id: probes-required\n      mode: Enforce", "- id: probes-required\n      mode: Warn", StringComparison.Ordinal);

    public static JsonNode Recorded(string relative) => JsonNode.Parse(Fixtures.Read(relative))!;

    /// <summary>The recorded Deployment web (uid 28a8da2b-…, app=web) as the cluster stores it, at these replicas.</summary>
    public static JsonNode StoredDeployment(int replicas)
    {
        var deployment = Recorded(CreateDeployment)["request"]!["object"]!.DeepClone();
        deployment["spec"]!["replicas"] = replicas;
        return deployment;
    }

    /// <summary>The recorded PodDisruptionBudget web (app=web) as the cluster stores it, with this minAvailable.</summary>
    public static JsonNode StoredBudget(JsonNode minAvailable)
    {
        var budget = Recorded(Sequence + "0263-validate-CREATE-PodDisruptionBudget-web.json")["request"]!["object"]!.DeepClone();
        budget["spec"]!["minAvailable"] = minAvailable;
        return budget;
    }

    /// <summary>A NetworkPolicy admitting every pod of namespace monitoring to every pod of rec-team.</summary>
    public static JsonNode AllowFromMonitoring(string name = "allow-monitoring") => JsonNode.Parse("""
        {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy",
         "metadata":{"name":"NAME","namespace":"rec-team","uid":"np-NAME"},
         "spec":{"podSelector":{},"policyTypes":["Ingress"],
                 "ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"monitoring"}}}]}]}}
        """.Replace("NAME", name, StringComparison.Ordinal))!;

    public static JsonNode DefaultDeny() => Recorded(Sequence + "0275-validate-CREATE-NetworkPolicy-default-deny.json")["request"]!["object"]!.DeepClone();

    /// <summary>Starts Guardrails on the pack and waits until the watch caches hold the seeded objects.</summary>
    public static async Task<LiveStateHarness> StartAsync(string pack, params JsonNode[] stored)
    {
        var harness = await LiveStateHarness.StartAsync(
            bed =>
            {
                bed.Server.Upsert(new
                {
                    apiVersion = "v1",
                    kind = "Namespace",
                    metadata = new { name = Namespace, labels = new Dictionary<string, string> { ["guardrails.dev/day2"] = "enabled" } },
                });
                foreach (var item in stored)
                {
                    bed.Server.Upsert(item.DeepClone(), keepUid: true);
                }
            },
            packs: pack);
        var state = harness.Guardrails.App.Services.GetRequiredService<LiveClusterState>();
        var kinds = stored.Select(s => s["kind"]!.GetValue<string>()).ToList();
        await LiveStateHarness.EventuallyAsync(
            () =>
            {
                var current = state.Current;
                return Task.FromResult(state.IsSynced
                    && current.GetNamespace(Namespace)?.Labels.ContainsKey("guardrails.dev/day2") == true
                    && current.DisruptionBudgetsIn(Namespace).Count == kinds.Count(k => k == "PodDisruptionBudget")
                    && current.NetworkPoliciesIn(Namespace).Count == kinds.Count(k => k == "NetworkPolicy")
                    && current.WorkloadsIn(Namespace).Count == kinds.Count(k => k == "Deployment"));
            },
            "namespace rec-team with its day2 label, and the seeded workloads, budgets and policies, in the watch caches");
        return harness;
    }

    /// <summary>An AdmissionReview of the recorded shape for another operation on a NetworkPolicy.</summary>
    public static string NetworkPolicyReview(string operation, JsonNode? obj, JsonNode? oldObject)
    {
        var review = Recorded(operation == "DELETE"
            ? "v1.26/11-namespace-delete/0334-validate-DELETE-NetworkPolicy.json"
            : Sequence + "0275-validate-CREATE-NetworkPolicy-default-deny.json");
        var request = review["request"]!;
        request["uid"] = Guid.NewGuid().ToString();
        request["operation"] = operation;
        request["name"] = (obj ?? oldObject)!["metadata"]!["name"]!.GetValue<string>();
        request["object"] = obj?.DeepClone();
        request["oldObject"] = oldObject?.DeepClone();
        return review.ToJsonString();
    }
}
