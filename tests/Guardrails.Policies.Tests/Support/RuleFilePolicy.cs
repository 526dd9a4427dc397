using Guardrails.Policies.Engine;
using Guardrails.Policies.Packs;
using Guardrails.Policies.RuleFiles;
using Guardrails.Tests;

namespace Guardrails.Policies.Tests.Support;

/// <summary>Compiles packs together with rule files, as the host does with <c>policies/</c> and <c>policies/rules/*.cs</c>.</summary>
internal static class RuleFilePolicy
{
    public static string ExamplesDirectory => Path.Combine(RepoPaths.Root, "examples", "rules");

    public static PolicyLoadResult Load(string pack, params (string File, string Text)[] ruleFiles) =>
        PolicyCompiler.Compile([new PackSource("pack.yaml", pack)], ruleFiles.Select(f => new RuleSource(f.File, f.Text)).ToList());

    public static CompiledPolicy Compile(string pack, params (string File, string Text)[] ruleFiles)
    {
        var result = Load(pack, ruleFiles);
        result.Errors.ShouldBeEmpty();
        return result.Policy!;
    }

    /// <summary>A pack enabling one rule in the given mode, as <c>pack.yaml</c>; its rule entry is on line 7.</summary>
    public static string Pack(string id, string mode = "Enforce") => $"""
        apiVersion: guardrails.dev/v1alpha1
        kind: RulePack
        metadata:
          name: custom
        spec:
          rules:
            - id: {id}
              mode: {mode}
        """;

    /// <summary>The shipped example rule files with the examples pack.</summary>
    public static CompiledPolicy Examples() => Compile(
        File.ReadAllText(Path.Combine(ExamplesDirectory, "examples.yaml")),
        [.. Directory.EnumerateFiles(Path.Combine(ExamplesDirectory, "rules"), "*.cs").Order(StringComparer.Ordinal).Select(f => (f, File.ReadAllText(f)))]);

    /// <summary>A rule file defining one rule whose Check body is <paramref name="check"/>.</summary>
    public static (string, string) RuleFile(string id, string check, string members = "", string file = "rules/Custom.cs") => (file, $$"""
        [Rule("{{id}}")]
        public sealed class CustomRule : Rule
        {
            public override Match Match { get; } = Match.AnyKind;

        {{members}}

            public override void Check(RuleContext context)
            {
        {{check}}
            }
        }
        """);
}
