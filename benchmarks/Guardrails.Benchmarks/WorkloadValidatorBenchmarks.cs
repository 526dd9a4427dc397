using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Guardrails.Policies.Resources;

namespace Guardrails.Benchmarks;

/// <summary>
/// What the invalid-object check (negative quantities, replica counts, container lists) adds to every admission
/// decision: the same realistic Deployment as <see cref="EngineBenchmarks"/>, parsed and read into its workload view,
/// with and without the check. The difference is its cost; compare it with the whole decision there.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class WorkloadValidatorBenchmarks
{
    private byte[] _deployment = [];

    [GlobalSetup]
    public void Setup()
    {
        _deployment = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "testdata", "deployment.json"));
        if (!Validate())
        {
            throw new InvalidOperationException("the benchmark Deployment must be valid, or the benchmark measures the refusal path");
        }
    }

    [Benchmark(Baseline = true, Description = "Parse + read workload view")]
    public bool ReadOnly()
    {
        using var document = JsonDocument.Parse(_deployment);
        return WorkloadReader.TryRead(WorkloadKind.Deployment, document.RootElement, out _);
    }

    [Benchmark(Description = "Parse + read + WorkloadValidator.Problem")]
    public bool Validate()
    {
        using var document = JsonDocument.Parse(_deployment);
        return WorkloadReader.TryRead(WorkloadKind.Deployment, document.RootElement, out var workload)
            && WorkloadValidator.Problem(workload!) is null;
    }
}
