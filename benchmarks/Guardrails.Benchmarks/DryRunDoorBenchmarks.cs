using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.DryRun;
using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Guardrails.Benchmarks;

/// <summary>
/// <c>POST /api/v1/evaluate</c> with one YAML body of 1,000 generated Deployments (the most one body may hold), half
/// compliant: the endpoint's own handler (<c>DryRunEndpoints.Evaluate</c>) called in process with the body in a
/// request object — reading it, the documents, the cluster state they carry, judging, the answer's bytes — without
/// Kestrel, TLS or routing. The floor is <see cref="JsonDocument"/> parsing the same objects as one JSON array.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class DryRunDoorBenchmarks
{
    private const int Objects = 1_000;

    private byte[] _yaml = [];
    private byte[] _jsonUtf8 = [];
    private PolicyStore _store = null!;
    private ServeOptions _options = null!;
    private GuardrailsMetrics _metrics = null!;
    private readonly NoClusterStateSource _state = new();
    private readonly NoExceptionSource _exceptions = new();

    [GlobalSetup]
    public void Setup()
    {
        _yaml = Encoding.UTF8.GetBytes(GeneratedDeployments.Yaml(Objects));
        _jsonUtf8 = Encoding.UTF8.GetBytes(GeneratedDeployments.Json(Objects));
        var policies = Path.Combine(AppContext.BaseDirectory, "policies");
        _store = new PolicyStore(TimeProvider.System);
        _store.Apply(PackDirectory.Load(policies));
        _options = new ServeOptions { PoliciesDirectory = policies, DataDirectory = Path.GetTempPath() };
        _metrics = new GuardrailsMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());

        using var answer = JsonDocument.Parse(Answer());
        var summary = answer.RootElement.GetProperty("summary");
        if (summary.GetProperty("objects").GetInt32() != Objects || summary.GetProperty("denied").GetInt32() != Objects / 2)
        {
            throw new InvalidOperationException($"the door did not judge the body as expected: {summary}");
        }
    }

    [Benchmark(Baseline = true)]
    public int JsonDocument_parse_floor()
    {
        using var document = JsonDocument.Parse(_jsonUtf8);
        return document.RootElement.GetArrayLength();
    }

    [Benchmark]
    public int Evaluate_yaml_body() => Answer().Length;

    private byte[] Answer()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/yaml";
        context.Request.ContentLength = _yaml.Length;
        context.Request.Body = new MemoryStream(_yaml, writable: false);
        var result = DryRunEndpoints.Evaluate(context, _store, _options, _state, _exceptions, TimeProvider.System, _metrics, null).GetAwaiter().GetResult();
        return result.Result is JsonBytesResult bytes ? bytes.Body : throw new InvalidOperationException($"the door answered {result.Result}");
    }
}
