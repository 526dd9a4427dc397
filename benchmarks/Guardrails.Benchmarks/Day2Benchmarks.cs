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
/// Issue 14: what the day2 pack costs on the admission path. The recorded v1.26 Deployment (namespace rec-team,
/// opted into day2 by its label) through /validate with the baseline pack alone and with day2 enabled beside it
/// (every day2 rule in scope: pdb-allows-disruption judges the Deployment against the namespace's budget web,
/// minAvailable 1, probes-required its containers), as recorded (no readiness probe: day2 adds a warning to the
/// answer) and given a readiness probe (day2 finds nothing, so only its rules' cost shows); and the recorded
/// PodDisruptionBudget judged against an empty workload cache and against 10,000 cached workloads in its namespace
/// (its matchLabels is answered from the namespace's pod-label index, so only the workloads carrying app=web are matched).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
public class Day2Benchmarks
{
    private const string Namespace = "rec-team";

    private byte[] _deployment = [];
    private byte[] _deploymentWithProbe = [];
    private byte[] _budget = [];
    private AdmissionHandler _baselineOnly = null!;
    private AdmissionHandler _withDay2 = null!;
    private AdmissionHandler _budgetEmptyCache = null!;
    private AdmissionHandler _budgetFullCache = null!;

    [GlobalSetup]
    public void Setup()
    {
        _deployment = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "testdata", "v1.26-create-deployment-web.json"));
        var withProbe = System.Text.Json.Nodes.JsonNode.Parse(_deployment)!;
        withProbe["request"]!["object"]!["spec"]!["template"]!["spec"]!["containers"]![0]!["readinessProbe"] =
            System.Text.Json.Nodes.JsonNode.Parse("""{"httpGet":{"path":"/healthz","port":8080}}""");
        _deploymentWithProbe = System.Text.Encoding.UTF8.GetBytes(withProbe.ToJsonString());
        _budget = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "testdata", "v1.26-create-pdb-web.json"));

        var baseline = Pack("baseline.yaml");
        var day2 = Pack("day2.yaml");
        day2 = day2 with { Text = day2.Text.Replace("enabled: false", "enabled: true", StringComparison.Ordinal) };
        var baselineStore = Store(baseline);
        var day2Store = Store(baseline, day2);

        var empty = State(0);
        var full = State(10_000);
        var withBudget = State(0);
        Load(withBudget.DisruptionBudgets, PolicyObjectTypes.PodDisruptionBudgets, ["{\"apiVersion\":\"policy/v1\",\"kind\":\"PodDisruptionBudget\",\"metadata\":{\"name\":\"web\",\"namespace\":\"" + Namespace + "\"},\"spec\":{\"minAvailable\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}}"]);
        _baselineOnly = AdmissionCore.Create(baselineStore, new SyncedClusterState(withBudget)).WithDeadline();
        _withDay2 = AdmissionCore.Create(day2Store, new SyncedClusterState(withBudget)).WithDeadline();
        _budgetEmptyCache = AdmissionCore.Create(day2Store, new SyncedClusterState(empty)).WithDeadline();
        _budgetFullCache = AdmissionCore.Create(day2Store, new SyncedClusterState(full)).WithDeadline();

        // Not a benchmark of nothing: with day2 the Deployment gets its readiness warning, and the budget over the
        // full cache is judged against Deployment web (2 replicas) among the 10,000.
        Console.WriteLine($"// baseline only: {Describe(_baselineOnly, _deployment)}");
        Console.WriteLine($"// baseline + day2: {Describe(_withDay2, _deployment)}");
        Console.WriteLine($"// with a readinessProbe, baseline + day2: {Describe(_withDay2, _deploymentWithProbe)}");
        Console.WriteLine($"// budget, empty cache: {Describe(_budgetEmptyCache, _budget)}");
        Console.WriteLine($"// budget, {full.WorkloadCount} cached workloads: {Describe(_budgetFullCache, _budget)}");
    }

    [Benchmark(Baseline = true, Description = "recorded Deployment: baseline pack alone")]
    [BenchmarkCategory("deployment")]
    public int DeploymentBaselineOnly() => Validate(_baselineOnly, _deployment);

    [Benchmark(Description = "recorded Deployment: baseline + day2 enabled")]
    [BenchmarkCategory("deployment")]
    public int DeploymentWithDay2() => Validate(_withDay2, _deployment);

    [Benchmark(Baseline = true, Description = "recorded Deployment + readinessProbe: baseline pack alone")]
    [BenchmarkCategory("deployment-with-probe")]
    public int ProbedDeploymentBaselineOnly() => Validate(_baselineOnly, _deploymentWithProbe);

    [Benchmark(Description = "recorded Deployment + readinessProbe: baseline + day2 enabled")]
    [BenchmarkCategory("deployment-with-probe")]
    public int ProbedDeploymentWithDay2() => Validate(_withDay2, _deploymentWithProbe);

    [Benchmark(Baseline = true, Description = "recorded PDB: empty workload cache")]
    [BenchmarkCategory("pdb")]
    public int BudgetEmptyCache() => Validate(_budgetEmptyCache, _budget);

    [Benchmark(Description = "recorded PDB: 10,000 cached workloads")]
    [BenchmarkCategory("pdb")]
    public int BudgetFullCache() => Validate(_budgetFullCache, _budget);

    private static int Validate(AdmissionHandler handler, byte[] body)
    {
        using var review = AdmissionReviewReader.Read(body);
        var decision = handler(new AdmissionCall(review, AdmissionOperationKind.Validate, TimeSpan.FromSeconds(9), CancellationToken.None)).Result;
        return AdmissionResponseWriter.Write(review.Uid, decision).Length;
    }

    private static string Describe(AdmissionHandler handler, byte[] body)
    {
        using var review = AdmissionReviewReader.Read(body);
        var decision = handler(new AdmissionCall(review, AdmissionOperationKind.Validate, TimeSpan.FromSeconds(9), CancellationToken.None)).Result;
        var text = System.Text.Encoding.UTF8.GetString(AdmissionResponseWriter.Write(review.Uid, decision));
        return text.Length > 400 ? text[..400] + "…" : text;
    }

    private static PackSource Pack(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "policies", file);
        return new PackSource(path, File.ReadAllText(path));
    }

    private static PolicyStore Store(params PackSource[] packs)
    {
        var store = new PolicyStore(TimeProvider.System);
        store.Apply(PolicyCompiler.Compile(packs));
        return store;
    }

    /// <summary>rec-team labelled for day2, with Deployment web (app=web, 2 replicas) among <paramref name="workloads"/> Deployments.</summary>
    private static LiveClusterState State(int workloads)
    {
        var state = new LiveClusterState(new QuotaReservations(TimeProvider.System, TimeSpan.FromSeconds(30)), NullLogger<LiveClusterState>.Instance, TimeProvider.System, TimeSpan.FromMinutes(1));
        Load(state, ResourceType.Namespaces, ["{\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + Namespace + "\",\"labels\":{\"guardrails.dev/day2\":\"enabled\"}}}"]);
        Load(state, ResourceType.LimitRanges, []);
        var deployments = Enumerable.Range(1, Math.Max(0, workloads - 1)).Select(i => Deployment($"app-{i:00000}", $"uid-{i:00000}", 3));
        if (workloads > 0)
        {
            deployments = deployments.Append(Deployment("web", "uid-web", 2));
        }

        Load(state, WorkloadResourceTypes.Deployments, deployments);
        return state;
    }

    private static string Deployment(string name, string uid, int replicas) =>
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + Namespace + "\",\"uid\":\"" + uid + "\",\"resourceVersion\":\"12345\","
        + "\"labels\":{\"app\":\"" + name + "\"}},\"spec\":{\"replicas\":" + replicas + ",\"selector\":{\"matchLabels\":{\"app\":\"" + name + "\"}},"
        + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + name + "\",\"tier\":\"backend\"}},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"registry.example.com/app:1.2.3\","
        + "\"resources\":{\"requests\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"},\"limits\":{\"memory\":\"512Mi\"}}}]}}}}";

    private static void Load(IWatchSink sink, ResourceType type, IEnumerable<string> json)
    {
        var documents = json.Select(j => JsonDocument.Parse(j)).ToList();
        sink.Replace(type, documents.Select(d => d.RootElement).ToList());
        documents.ForEach(d => d.Dispose());
    }
}
