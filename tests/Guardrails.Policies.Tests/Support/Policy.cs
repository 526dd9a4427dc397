using System.Text.Json;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Packs;
using Guardrails.Policies.Resources;
using Guardrails.Policies.State;

namespace Guardrails.Policies.Tests.Support;

/// <summary>Compiles packs written inline and judges inline YAML objects with them.</summary>
internal static class Policy
{
    public static CompiledPolicy Compile(params string[] packs)
    {
        var result = PolicyCompiler.Compile(packs.Select((text, i) => new PackSource($"pack{i}.yaml", text)));
        result.Errors.ShouldBeEmpty();
        return result.Policy!;
    }

    /// <summary>A pack enabling one rule in Enforce mode with the given parameters (YAML lines, already indented by 8).</summary>
    public static string Pack(string ruleId, string parameters = "", string mode = "Enforce", string name = "test") => $"""
        apiVersion: guardrails.dev/v1alpha1
        kind: RulePack
        metadata:
          name: {name}
        spec:
          rules:
            - id: {ruleId}
              mode: {mode}
              parameters:
        {parameters}
        """;

    public static Verdict Evaluate(
        this CompiledPolicy policy,
        string yaml,
        EvaluationMode mode = EvaluationMode.Validate,
        IClusterSnapshot? cluster = null,
        AdmissionOperation operation = AdmissionOperation.Create,
        string? oldYaml = null,
        string? @namespace = null)
    {
        using var manifest = Single(yaml);
        using var old = oldYaml is null ? null : Single(oldYaml);
        return policy.Evaluate(
            new EvaluationRequest
            {
                Group = manifest.Group,
                Kind = manifest.Kind!,
                Namespace = @namespace ?? manifest.Namespace,
                Name = manifest.Name,
                Object = manifest.Root,
                OldObject = old?.Root ?? default,
                Operation = operation,
                Cluster = cluster ?? ClusterSnapshot.Empty,
            },
            mode);
    }

    public static Manifest Single(string yaml)
    {
        var manifests = ManifestReader.Read(yaml);
        manifests.Count.ShouldBe(1);
        manifests[0].Error.ShouldBeNull();
        return manifests[0];
    }

    public static ClusterSnapshot Cluster(string yaml)
    {
        var manifests = ManifestReader.Read(yaml);
        try
        {
            return ClusterSnapshot.FromObjects(manifests.Select(m => m.Root));
        }
        finally
        {
            foreach (var m in manifests)
            {
                m.Dispose();
            }
        }
    }

    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;
}
