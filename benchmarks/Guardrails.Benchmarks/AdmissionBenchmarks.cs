using BenchmarkDotNet.Attributes;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Packs;
using Guardrails.Webhook.Admission;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Hosting;

namespace Guardrails.Benchmarks;

/// <summary>
/// One /validate decision without HTTP: recorded AdmissionReview bytes in, response bytes out, through the same
/// core handler the server uses. Shows what the webhook adds on top of the engine (reading the review, the
/// denial message, writing the response).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class AdmissionBenchmarks
{
    private byte[] _review = [];
    private AdmissionHandler _handler = null!;

    [GlobalSetup]
    public void Setup()
    {
        _review = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "testdata", "create-deployment-review.json"));
        var baseline = Path.Combine(AppContext.BaseDirectory, "policies", "baseline.yaml");
        var store = new PolicyStore(TimeProvider.System);
        store.Apply(PolicyCompiler.Compile([new PackSource(baseline, File.ReadAllText(baseline))]));
        _handler = AdmissionCore.Create(store, new NoClusterStateSource()).WithDeadline();
    }

    [Benchmark(Description = "Read review + evaluate + write response (denied Deployment)")]
    public int Validate()
    {
        using var review = AdmissionReviewReader.Read(_review);
        var decision = _handler(new AdmissionCall(review, AdmissionOperationKind.Validate, TimeSpan.FromSeconds(9), CancellationToken.None)).Result;
        return AdmissionResponseWriter.Write(review.Uid, decision).Length;
    }
}
