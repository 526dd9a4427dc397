using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Packs;

namespace Guardrails.Benchmarks;

/// <summary>
/// One admission decision as the webhook makes it: raw JSON bytes of a realistic Deployment (2 containers + 1 init
/// container) in, a verdict from the shipped baseline pack out. The baseline is parsing the same bytes with
/// JsonDocument and nothing else: the floor any JSON-reading engine pays.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class EngineBenchmarks
{
    private byte[] _deployment = [];
    private CompiledPolicy _policy = null!;

    [GlobalSetup]
    public void Setup()
    {
        _deployment = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "testdata", "deployment.json"));
        var baseline = Path.Combine(AppContext.BaseDirectory, "policies", "baseline.yaml");
        _policy = PolicyCompiler.Compile([new PackSource(baseline, File.ReadAllText(baseline))]).Policy
            ?? throw new InvalidOperationException("baseline pack did not compile");
        if (!EvaluateDeployment())
        {
            throw new InvalidOperationException("the benchmark Deployment must be compliant, or the benchmark measures the failure path");
        }
    }

    [Benchmark(Baseline = true, Description = "JsonDocument.Parse only (floor)")]
    public int ParseOnly()
    {
        using var document = JsonDocument.Parse(_deployment);
        return document.RootElement.Touch();
    }

    [Benchmark(Description = "Parse + evaluate baseline pack")]
    public bool EvaluateDeployment()
    {
        using var document = JsonDocument.Parse(_deployment);
        var verdict = _policy.Evaluate(new EvaluationRequest
        {
            Group = "apps",
            Kind = "Deployment",
            Namespace = "team-a",
            Object = document.RootElement,
        });
        return verdict.Allowed;
    }
}
