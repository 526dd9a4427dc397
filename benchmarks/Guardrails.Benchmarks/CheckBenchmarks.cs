using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Resources;
using Guardrails.Policies.State;
using Guardrails.Webhook.DryRun;
using Guardrails.Webhook.Hosting;

namespace Guardrails.Benchmarks;

/// <summary>
/// <c>guardrails check</c>'s per-document path (read every document, judge it with the shipped packs) over one file of
/// generated Deployments, half compliant, as YAML and as JSON, against the floor: <see cref="JsonDocument"/> parsing
/// the same objects as one JSON array. Pack loading and the report are left out; they are paid once a run.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class CheckBenchmarks
{
    private const string JsonTemplate = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"NAME","namespace":"team-a","labels":{"app":"NAME","team":"team-a"}},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"NAME"}},"template":{"metadata":{"labels":{"app":"NAME","team":"team-a"}},"spec":{"containers":[{"name":"app","image":"IMAGE","resources":{"requests":{"cpu":"100m","memory":"128Mi"},"limits":{"cpu":"500m"MEMORY}}}]}}}}
        """;

    private CompiledPolicy _policy = null!;
    private string _yaml = null!;
    private string _json = null!;
    private byte[] _jsonUtf8 = null!;

    // 1,000 is the most documents one file or request may hold (the reader limit from issue 9): 10,000 in one file is
    // refused as invalid input, so it cannot be timed as a check without raising that limit.
    [Params(1_000)]
    public int Objects { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _policy = PackDirectory.Load(Path.Combine(AppContext.BaseDirectory, "policies")).Policy
            ?? throw new InvalidOperationException("the shipped packs do not load");
        var yaml = new StringBuilder();
        var json = new StringBuilder("[");
        for (var i = 0; i < Objects; i++)
        {
            var compliant = i % 2 == 0;
            var limits = compliant ? "cpu: 500m, memory: 256Mi" : "cpu: 500m";
            var image = compliant ? "registry.example.com/app:1.2.3" : "nginx:latest";
            yaml.Append(i == 0 ? "" : "---\n").Append($$"""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: app-{{i}}
                  namespace: team-a
                  labels: { app: app-{{i}}, team: team-a }
                spec:
                  replicas: 2
                  selector: { matchLabels: { app: app-{{i}} } }
                  template:
                    metadata: { labels: { app: app-{{i}}, team: team-a } }
                    spec:
                      containers:
                        - name: app
                          image: {{image}}
                          resources:
                            requests: { cpu: 100m, memory: 128Mi }
                            limits: { {{limits}} }

                """);
            var memory = compliant ? ",\"memory\":\"256Mi\"" : "";
            json.Append(i == 0 ? "" : ",").Append(JsonTemplate.Replace("NAME", $"app-{i}").Replace("IMAGE", image).Replace("MEMORY", memory));
        }

        _yaml = yaml.ToString();
        _json = json.Append(']').ToString();
        _jsonUtf8 = Encoding.UTF8.GetBytes(_json);

        var fromYaml = ManifestEvaluator.Evaluate(_policy, "bench.yaml", _yaml, ClusterSnapshot.Empty, format: ManifestFormat.Yaml);
        var fromJson = ManifestEvaluator.Evaluate(_policy, "bench.json", _json, ClusterSnapshot.Empty, format: ManifestFormat.Json);
        if (fromYaml.Count != Objects || fromJson.Count != Objects
            || fromYaml.Count(r => r.Outcome == "denied") != fromJson.Count(r => r.Outcome == "denied")
            || fromYaml.Count(r => r.Outcome == "invalid") != 0)
        {
            throw new InvalidOperationException(
                $"the YAML and JSON inputs are not the same objects, or not judged alike: yaml {Summary(fromYaml)}, json {Summary(fromJson)}");
        }
    }

    private static string Summary(IReadOnlyList<ObjectResult> results) =>
        string.Join(", ", results.GroupBy(r => r.Outcome).Select(g => $"{g.Key}={g.Count()}"))
        + (results.FirstOrDefault(r => r.Outcome == "invalid") is { } invalid ? $" first invalid: {JsonSerializer.Serialize(invalid)}" : "");

    [Benchmark(Baseline = true)]
    public int JsonDocument_parse_floor()
    {
        using var document = JsonDocument.Parse(_jsonUtf8);
        return document.RootElement.GetArrayLength();
    }

    [Benchmark]
    public int Check_json() => ManifestEvaluator.Evaluate(_policy, "bench.json", _json, ClusterSnapshot.Empty, format: ManifestFormat.Json).Count;

    [Benchmark]
    public int Check_yaml() => ManifestEvaluator.Evaluate(_policy, "bench.yaml", _yaml, ClusterSnapshot.Empty, format: ManifestFormat.Yaml).Count;
}
