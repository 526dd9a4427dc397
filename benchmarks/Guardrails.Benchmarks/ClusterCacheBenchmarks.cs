using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Packs;
using Guardrails.Webhook.Admission;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Cluster.Api;
using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Guardrails.Benchmarks;

/// <summary>
/// Admission latency must not grow with the cluster: the same /validate decision (a recorded Deployment whose
/// namespace has a ResourceQuota) with only that namespace cached, and with 10,000 namespaces and 10,000 quotas;
/// each without and with the workload summary cache filled (10 workloads a namespace: 5 Deployments, each with its
/// ReplicaSet). Setup prints the caches' memory.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ClusterCacheBenchmarks
{
    private byte[] _review = [];
    private AdmissionHandler _handler = null!;

    [Params(1, 10_000)]
    public int Namespaces { get; set; }

    [Params(0, 10)]
    public int WorkloadsPerNamespace { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _review = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "testdata", "create-deployment-review.json"));
        var requestNamespace = JsonDocument.Parse(_review).RootElement.GetProperty("request").GetProperty("namespace").GetString()!;
        var baseline = Path.Combine(AppContext.BaseDirectory, "policies", "baseline.yaml");
        var store = new PolicyStore(TimeProvider.System);
        store.Apply(PolicyCompiler.Compile([new PackSource(baseline, File.ReadAllText(baseline))]));

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var state = new LiveClusterState(new QuotaReservations(TimeProvider.System, TimeSpan.FromSeconds(30)), NullLogger<LiveClusterState>.Instance, TimeProvider.System, TimeSpan.FromMinutes(1));
        var names = Enumerable.Range(1, Namespaces - 1).Select(i => $"team-{i:00000}").Append(requestNamespace).ToList();
        Load(state, ResourceType.Namespaces, names.Select(n => "{\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + n + "\",\"labels\":{\"team\":\"" + n + "\",\"tier\":\"dev\"}}}"));
        Load(state, ResourceType.ResourceQuotas, names.Select(n => "{\"kind\":\"ResourceQuota\",\"metadata\":{\"name\":\"compute\",\"namespace\":\"" + n + "\"},\"spec\":{\"hard\":{\"requests.cpu\":\"20\",\"requests.memory\":\"64Gi\",\"pods\":\"50\"}},\"status\":{\"used\":{\"requests.cpu\":\"4\",\"requests.memory\":\"8Gi\",\"pods\":\"10\"}}}"));
        Load(state, ResourceType.LimitRanges, []);
        var middle = GC.GetTotalMemory(forceFullCollection: true);
        var pairs = WorkloadsPerNamespace / 2;
        Load(state, WorkloadResourceTypes.Deployments, names.SelectMany(n => Enumerable.Range(0, pairs).Select(i => Workload("Deployment", n, $"app-{i}", $"{n}-d{i}", null))));
        Load(state, WorkloadResourceTypes.ReplicaSets, names.SelectMany(n => Enumerable.Range(0, pairs).Select(i => Workload("ReplicaSet", n, $"app-{i}-5745cf87f4", $"{n}-r{i}", $"{n}-d{i}"))));
        GC.KeepAlive(state);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"// Cache memory for {state.NamespaceCount} namespaces and {state.QuotaCount} quotas: {(middle - before) / 1024.0 / 1024.0:F1} MiB");
        Console.WriteLine($"// Workload summary cache for {state.WorkloadCount} workloads: {(after - middle) / 1024.0 / 1024.0:F1} MiB ({(state.WorkloadCount == 0 ? 0 : (after - middle) / state.WorkloadCount)} B each)");

        _handler = AdmissionCore.Create(store, new SyncedClusterState(state)).WithDeadline();
    }

    [Benchmark(Description = "/validate decision with N namespaces + N quotas cached")]
    public int Validate()
    {
        using var review = AdmissionReviewReader.Read(_review);
        var decision = _handler(new AdmissionCall(review, AdmissionOperationKind.Validate, TimeSpan.FromSeconds(9), CancellationToken.None)).Result;
        return AdmissionResponseWriter.Write(review.Uid, decision).Length;
    }

    /// <summary>A Deployment or ReplicaSet as the watch delivers it: labels, selector, a rolling update, one container with resources.</summary>
    private static string Workload(string kind, string ns, string name, string uid, string? owner) =>
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\",\"uid\":\"" + uid + "\",\"resourceVersion\":\"12345\","
        + "\"labels\":{\"app\":\"" + name + "\",\"team\":\"" + ns + "\"}"
        + (owner is null ? "" : ",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"x\",\"uid\":\"" + owner + "\",\"controller\":true}]")
        + "},\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":{\"app\":\"" + name + "\"}},\"strategy\":{\"rollingUpdate\":{\"maxSurge\":1}},"
        + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + name + "\"}},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"registry.example.com/app:1.2.3\","
        + "\"resources\":{\"requests\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"},\"limits\":{\"memory\":\"512Mi\"}}}]}}}}";

    private static void Load(LiveClusterState state, ResourceType type, IEnumerable<string> json)
    {
        var documents = json.Select(j => JsonDocument.Parse(j)).ToList();
        state.Replace(type, documents.Select(d => d.RootElement).ToList());
        documents.ForEach(d => d.Dispose());
    }
}
