using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Packs;
using Guardrails.Policies.RuleFiles;
using Guardrails.Policies.Rules;

namespace Guardrails.Benchmarks;

/// <summary>
/// What a rule file costs against the same source compiled into the product (examples/rules/rules/RequireTeamLabel.cs
/// both ways; the file version carries the loader's budget checks), and what timing each rule costs on the shipped
/// pack (budget bookkeeping on vs off). Objects are parsed once; only evaluation is measured.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class RuleFileBenchmarks
{
    private const string TeamLabelPack = """
        apiVersion: guardrails.dev/v1alpha1
        kind: RulePack
        metadata: { name: team }
        spec:
          rules:
            - id: require-team-label
              parameters:
                kinds: [apps/Deployment]
                allowedTeams: [team-a, team-b, team-c]
        """;

    private JsonDocument _deployment = null!;
    private CompiledPolicy _compiledIn = null!;
    private CompiledPolicy _ruleFile = null!;
    private CompiledPolicy _shippedTimed = null!;
    private CompiledPolicy _shippedUntimed = null!;

    [GlobalSetup]
    public void Setup()
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "testdata", "deployment.json"));
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        node["metadata"]!["labels"] = new System.Text.Json.Nodes.JsonObject { ["team"] = "team-b", ["app"] = "web" };
        _deployment = JsonDocument.Parse(node.ToJsonString());

        var pack = new PackSource("team.yaml", TeamLabelPack);
        var catalog = RuleCatalog.BuiltIn.With([RuleTypeDefinition.TryCreate(typeof(Examples.Rules.RequireTeamLabel), out _)!]);
        _compiledIn = PolicyCompiler.Compile([pack], catalog).Policy ?? throw new InvalidOperationException("compiled-in rule did not load");
        var file = Path.Combine(AppContext.BaseDirectory, "rules", "RequireTeamLabel.cs");
        _ruleFile = PolicyCompiler.Compile([pack], [new RuleSource(file, File.ReadAllText(file))]).Policy ?? throw new InvalidOperationException("rule file did not load");

        var baseline = Path.Combine(AppContext.BaseDirectory, "policies", "baseline.yaml");
        var shipped = new PackSource(baseline, File.ReadAllText(baseline));
        _shippedTimed = PolicyCompiler.Compile([shipped]).Policy!;
        _shippedUntimed = PolicyCompiler.Compile([shipped], options: new PolicyOptions { MeasureWithoutBudgets = true }).Policy!;
        if (!Evaluate(_compiledIn) || !Evaluate(_ruleFile) || !Evaluate(_shippedTimed))
        {
            throw new InvalidOperationException("the benchmark Deployment must be compliant, or the benchmark measures the failure path");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _deployment.Dispose();

    [Benchmark(Baseline = true, Description = "require-team-label compiled in")]
    [BenchmarkCategory("rule file")]
    public bool CompiledIn() => Evaluate(_compiledIn);

    [Benchmark(Description = "require-team-label as a rule file")]
    [BenchmarkCategory("rule file")]
    public bool RuleFile() => Evaluate(_ruleFile);

    [Benchmark(Description = "shipped pack, budgets off")]
    [BenchmarkCategory("budget")]
    public bool ShippedUntimed() => Evaluate(_shippedUntimed);

    [Benchmark(Description = "shipped pack, budgets on")]
    [BenchmarkCategory("budget")]
    public bool ShippedTimed() => Evaluate(_shippedTimed);

    private bool Evaluate(CompiledPolicy policy) => policy.Evaluate(new EvaluationRequest
    {
        Group = "apps",
        Kind = "Deployment",
        Namespace = "team-a",
        Object = _deployment.RootElement,
    }).Allowed;
}
