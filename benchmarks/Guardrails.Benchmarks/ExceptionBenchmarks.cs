using BenchmarkDotNet.Attributes;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Exceptions;
using Guardrails.Policies.Packs;
using Guardrails.Webhook.Admission;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Hosting;

namespace Guardrails.Benchmarks;

/// <summary>
/// One /validate decision of the denied Deployment with exceptions allowed for its rules, with no exception cached
/// (the baseline) and with 10,000 active ones: 9,990 in other namespaces and 10 in the Deployment's own namespace for
/// other workloads, so every lookup the coverage step makes finds candidates and rejects them.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ExceptionBenchmarks
{
    private const string Pack = """
        apiVersion: guardrails.dev/v1alpha1
        kind: RulePack
        metadata: { name: baseline }
        spec:
          rules:
            - id: run-as-non-root
              exceptions: { selfService: true, maxDuration: 168h }
            - id: resource-requirements
              parameters: { required: [requests.cpu, requests.memory, limits.memory] }
              exceptions: { selfService: true, maxDuration: 168h }
            - id: image-tag
              exceptions: { selfService: true, maxDuration: 168h }
        """;

    private byte[] _review = [];
    private AdmissionHandler _handler = null!;

    [Params(0, 10_000)]
    public int CachedExceptions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _review = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "testdata", "create-deployment-review.json"));
        var store = new PolicyStore(TimeProvider.System);
        store.Apply(PolicyCompiler.Compile([new PackSource("baseline.yaml", Pack)]));
        var now = TimeProvider.System.GetUtcNow();
        var rules = new[] { "run-as-non-root", "resource-requirements", "image-tag" };
        var exceptions = Enumerable.Range(0, CachedExceptions).Select(i => new PolicyException
        {
            Namespace = i < 10 ? "test" : $"team-{i % 1000}",
            Name = $"exception-{i}",
            Rule = rules[i % rules.Length],
            TargetKind = "Deployment",
            TargetName = $"other-{i}",
            Reason = "benchmark",
            Expires = now.AddDays(3),
            Created = now.AddHours(-1),
            RequestedBy = "dev@example.com",
        });
        _handler = AdmissionCore.Create(store, new NoClusterStateSource(), exceptions: new FixedExceptions(new ExceptionIndex(exceptions))).WithDeadline();
    }

    [Benchmark(Description = "Read review + evaluate + write response (denied Deployment, exceptions allowed)")]
    public int Validate()
    {
        using var review = AdmissionReviewReader.Read(_review);
        var decision = _handler(new AdmissionCall(review, AdmissionOperationKind.Validate, TimeSpan.FromSeconds(9), CancellationToken.None)).Result;
        return AdmissionResponseWriter.Write(review.Uid, decision).Length;
    }

    private sealed class FixedExceptions(ExceptionIndex index) : IExceptionSource
    {
        public ExceptionIndex Current => index;
    }
}
