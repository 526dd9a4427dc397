using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Packs;
using Guardrails.Policies.RuleFiles;

namespace Guardrails.Benchmarks;

/// <summary>
/// Loading one and ten rule files (the three examples and seven variants of them under other ids): once cold, in a fresh
/// process (Roslyn and the reference assemblies not yet loaded), and warm, as on every edit after the first (what an
/// edit costs before the new rule serves; the pack watcher polls every 500 ms on top of it).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.ColdStart, launchCount: 3, warmupCount: 0, iterationCount: 1, id: "cold")]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10, id: "warm")]
public class RuleFileCompileBenchmarks
{
    private readonly List<RuleSource> _files = [];
    private PackSource _pack = null!;

    /// <summary>One file is the usual edit; ten, a platform team's whole set.</summary>
    [Params(1, 10)]
    public int Files { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var originals = Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "rules"), "*.cs").Order(StringComparer.Ordinal).ToList();
        var pack = new System.Text.StringBuilder("apiVersion: guardrails.dev/v1alpha1\nkind: RulePack\nmetadata: { name: ten }\nspec:\n  rules:\n");
        for (var i = 0; i < Files; i++)
        {
            var original = originals[i % originals.Count];
            var text = File.ReadAllText(original);
            var id = System.Text.RegularExpressions.Regex.Match(text, "\\[Rule\\(\"(?<id>[a-z-]+)\"").Groups["id"].Value;
            var className = Path.GetFileNameWithoutExtension(original);
            var variant = i < originals.Count ? text : text.Replace($"[Rule(\"{id}\"", $"[Rule(\"{id}-{i}\"", StringComparison.Ordinal)
                .Replace(className, $"V{i}{className}", StringComparison.Ordinal);
            _files.Add(new RuleSource($"rules/{i:00}-{Path.GetFileName(original)}", variant));
            pack.Append("    - id: ").Append(i < originals.Count ? id : $"{id}-{i}").Append('\n');
        }

        _pack = new PackSource("ten.yaml", pack.ToString());
    }

    [Benchmark(Description = "compile + load rule files")]
    public CompiledPolicy Load() =>
        PolicyCompiler.Compile([_pack], _files).Policy ?? throw new InvalidOperationException("the ten rule files did not load");
}
