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
/// <c>guardrails check</c> over one file of generated Deployments, half compliant, as YAML and as JSON, against the
/// floor: <see cref="JsonDocument"/> parsing the same objects as one JSON array. <c>Check_*</c> is check's own path —
/// documents streamed from the text, judged with the shipped packs, the JSON report written as it goes (to a null
/// stream) — without pack loading and process start, which are paid once a run. <c>Read_yaml</c> is the reader alone.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class CheckBenchmarks
{
    private CompiledPolicy _policy = null!;
    private string _yaml = null!;
    private string _json = null!;
    private byte[] _jsonUtf8 = null!;

    [Params(1_000, 10_000)]
    public int Objects { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _policy = PackDirectory.Load(Path.Combine(AppContext.BaseDirectory, "policies")).Policy
            ?? throw new InvalidOperationException("the shipped packs do not load");
        _yaml = GeneratedDeployments.Yaml(Objects);
        _json = GeneratedDeployments.Json(Objects);
        _jsonUtf8 = Encoding.UTF8.GetBytes(_json);

        var fromYaml = Judge(_yaml, ManifestFormat.Yaml);
        var fromJson = Judge(_json, ManifestFormat.Json);
        if (fromYaml.Objects != Objects || fromJson.Objects != Objects || fromYaml["denied"] != Objects / 2 || fromJson["denied"] != Objects / 2
            || fromYaml["invalid"] != 0 || fromJson["invalid"] != 0)
        {
            throw new InvalidOperationException($"the YAML and JSON inputs are not the same objects, or not judged alike: yaml {Summary(fromYaml)}, json {Summary(fromJson)}");
        }
    }

    private static string Summary(OutcomeCounts counts) => string.Join(", ", OutcomeCounts.Outcomes.Select(o => $"{o}={counts[o]}"));

    [Benchmark(Baseline = true)]
    public int JsonDocument_parse_floor()
    {
        using var document = JsonDocument.Parse(_jsonUtf8);
        return document.RootElement.GetArrayLength();
    }

    [Benchmark]
    public int Read_yaml()
    {
        var count = 0;
        foreach (var manifest in ManifestReader.Stream(_yaml, ManifestFormat.Yaml))
        {
            count += manifest.Error is null ? 1 : 0;
            manifest.Dispose();
        }

        return count;
    }

    /// <summary>Reader and engine without the report: with <see cref="Read_yaml"/> and <see cref="Check_yaml"/>, where the time goes per stage.</summary>
    [Benchmark]
    public int Judge_yaml_no_report()
    {
        var denied = 0;
        foreach (var result in ManifestEvaluator.EvaluateEach(_policy, "bench", ManifestReader.Stream(_yaml, ManifestFormat.Yaml), ClusterSnapshot.Empty))
        {
            denied += result.Outcome == "denied" ? 1 : 0;
        }

        return denied;
    }

    [Benchmark]
    public int Check_json() => Judge(_json, ManifestFormat.Json).Objects;

    [Benchmark]
    public int Check_yaml() => Judge(_yaml, ManifestFormat.Yaml).Objects;

    /// <summary>What <c>CheckRunner</c> does with one file's text: stream, judge, write the report as it goes.</summary>
    private OutcomeCounts Judge(string text, ManifestFormat format)
    {
        using var writer = new Utf8JsonWriter(Stream.Null, ResultJsonWriter.IndentedOptions);
        var results = ManifestEvaluator.EvaluateEach(_policy, "bench", ManifestReader.Stream(text, format), ClusterSnapshot.Empty);
        return ResultJsonWriter.Write(writer, results, budgetBytes: null, afterEach: () =>
        {
            if (writer.BytesPending > 64 * 1024)
            {
                writer.Flush();
            }
        });
    }
}
