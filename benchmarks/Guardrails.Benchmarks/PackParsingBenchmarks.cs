using System.Text;
using BenchmarkDotNet.Attributes;
using Guardrails.Policies.Packs;
using Guardrails.Webhook.Provisioning;

namespace Guardrails.Benchmarks;

/// <summary>
/// Reading the policies directory as start-up and every reload do: the shipped packs and platform settings, and a
/// pack of 200 rule entries (scopes, selectors, parameters, exceptions) where the typed reading, not YAML, is most of
/// the work. The baseline is YAML parsing alone (<see cref="PackDocuments.Load"/>), which both parsers start with, so
/// the ratios say what the typed reader adds on top and can be compared between builds measured apart.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15)]
public class PackParsingBenchmarks
{
    private PackSource[] _sources = [];

    [Params("shipped", "200 rules")]
    public string Input { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _sources = Input == "shipped"
            ? [.. Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "policies"), "*.yaml").Order(StringComparer.Ordinal).Select(f => new PackSource(f, File.ReadAllText(f)))]
            : [new PackSource("many.yaml", ManyRules(200)), PlatformFile()];

        // A benchmark of inputs that fail to read would measure the error path.
        var errors = new List<PackError>();
        foreach (var source in _sources)
        {
            PackParser.Parse(source, errors);
        }

        if (errors.Count > 0 || !PlatformSettingsParser.Load(_sources).Succeeded)
        {
            throw new InvalidOperationException($"the {Input} input does not read cleanly: {string.Join("; ", errors)}");
        }
    }

    [Benchmark(Baseline = true, Description = "YAML documents only (floor)")]
    public int Documents()
    {
        var count = 0;
        foreach (var source in _sources)
        {
            count += PackDocuments.Load(source, []).Count;
        }

        return count;
    }

    [Benchmark(Description = "PackParser.Parse")]
    public int Packs()
    {
        var count = 0;
        foreach (var source in _sources)
        {
            count += PackParser.Parse(source, []).Sum(p => p.Rules.Count);
        }

        return count;
    }

    [Benchmark(Description = "PlatformSettingsParser.Load")]
    public int Settings() => PlatformSettingsParser.Load(_sources).Settings?.Tiers.Count ?? -1;

    private PackSource PlatformFile()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "policies", "platform.yaml");
        return new PackSource(file, File.ReadAllText(file));
    }

    private static string ManyRules(int count)
    {
        var yaml = new StringBuilder("apiVersion: guardrails.dev/v1alpha1\nkind: RulePack\nmetadata:\n  name: many\n  description: generated\nspec:\n  scope:\n    excludeNamespaces: [kube-system, monitoring]\n  rules:\n");
        for (var i = 0; i < count; i++)
        {
            yaml.Append("    - id: resource-requirements\n      enabled: ").Append(i % 2 == 0 ? "true" : "false").Append('\n')
                .Append("      mode: Enforce\n      scope:\n        includeNamespaces: [team-").Append(i).Append("]\n")
                .Append("        namespaceSelector:\n          matchLabels: { tier: dev }\n          matchExpressions:\n            - { key: team, operator: In, values: [a, b] }\n")
                .Append("      parameters:\n        required: [requests.cpu, limits.memory]\n")
                .Append("      exceptions:\n        maxDuration: 168h\n        approval: required\n        fields: [requests.cpu, limits.memory]\n");
        }

        return yaml.ToString();
    }
}
