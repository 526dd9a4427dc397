using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Packs;

namespace Guardrails.Benchmarks;

/// <summary>
/// What judging an UPDATE on what it changes costs. The realistic Deployment of <see cref="EngineBenchmarks"/>, and a
/// copy that predates the policy (no securityContext, no resources: 7 violations). An UPDATE of a compliant object
/// is judged once; one that would deny is judged twice (old and new) and its violations compared. The baseline is
/// the CREATE of the violating copy: the cost of the same request before updates were judged on their changes.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class UpdateBenchmarks
{
    private byte[] _compliant = [];
    private byte[] _compliantScaled = [];
    private byte[] _violating = [];
    private byte[] _violatingRelabelled = [];
    private CompiledPolicy _policy = null!;

    [GlobalSetup]
    public void Setup()
    {
        _compliant = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "testdata", "deployment.json"));
        var scaled = JsonNode.Parse(_compliant)!;
        scaled["spec"]!["replicas"] = 5;
        _compliantScaled = JsonSerializer.SerializeToUtf8Bytes(scaled);

        var violating = JsonNode.Parse(_compliant)!;
        var podSpec = violating["spec"]!["template"]!["spec"]!.AsObject();
        podSpec.Remove("securityContext");
        foreach (var group in new[] { "containers", "initContainers" })
        {
            foreach (var container in podSpec[group]?.AsArray() ?? [])
            {
                container!.AsObject().Remove("resources");
                container.AsObject().Remove("securityContext");
            }
        }

        _violating = JsonSerializer.SerializeToUtf8Bytes(violating);
        violating["metadata"]!["labels"]!["team"] = "shop";
        _violatingRelabelled = JsonSerializer.SerializeToUtf8Bytes(violating);

        var baseline = Path.Combine(AppContext.BaseDirectory, "policies", "baseline.yaml");
        _policy = PolicyCompiler.Compile([new PackSource(baseline, File.ReadAllText(baseline))]).Policy
            ?? throw new InvalidOperationException("baseline pack did not compile");
        if (CreateViolating() || !UpdateCompliant() || !UpdateViolatingLabelsOnly())
        {
            throw new InvalidOperationException("the benchmark objects must be denied on CREATE and allowed on these UPDATEs");
        }
    }

    [Benchmark(Baseline = true, Description = "CREATE, violating (denied)")]
    public bool CreateViolating()
    {
        using var document = JsonDocument.Parse(_violating);
        return _policy.Evaluate(Request(document.RootElement, default, AdmissionOperation.Create)).Allowed;
    }

    [Benchmark(Description = "UPDATE, compliant, replicas changed")]
    public bool UpdateCompliant()
    {
        using var old = JsonDocument.Parse(_compliant);
        using var document = JsonDocument.Parse(_compliantScaled);
        return _policy.Evaluate(Request(document.RootElement, old.RootElement, AdmissionOperation.Update)).Allowed;
    }

    [Benchmark(Description = "UPDATE, violating, labels changed (pre-existing)")]
    public bool UpdateViolatingLabelsOnly()
    {
        using var old = JsonDocument.Parse(_violating);
        using var document = JsonDocument.Parse(_violatingRelabelled);
        return _policy.Evaluate(Request(document.RootElement, old.RootElement, AdmissionOperation.Update)).Allowed;
    }

    private static EvaluationRequest Request(JsonElement obj, JsonElement old, AdmissionOperation operation) => new()
    {
        Group = "apps",
        Kind = "Deployment",
        Namespace = "team-a",
        Operation = operation,
        Object = obj,
        OldObject = old,
    };
}
