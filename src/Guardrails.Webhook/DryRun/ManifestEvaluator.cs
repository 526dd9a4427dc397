using Guardrails.Policies.Engine;
using Guardrails.Policies.Resources;
using Guardrails.Policies.State;

namespace Guardrails.Webhook.DryRun;

/// <summary>Judges YAML/JSON documents exactly as admission would (mutate, then validate) — the dry-run door and <c>guardrails check</c>.</summary>
public static class ManifestEvaluator
{
    public static IReadOnlyList<ObjectResult> Evaluate(CompiledPolicy policy, string source, string text, IClusterSnapshot cluster, string? namespaceOverride = null)
    {
        var results = new List<ObjectResult>();
        var manifests = ManifestReader.Read(text);
        try
        {
            foreach (var manifest in manifests)
            {
                results.Add(EvaluateOne(policy, source, manifest, cluster, namespaceOverride));
            }
        }
        finally
        {
            foreach (var manifest in manifests)
            {
                manifest.Dispose();
            }
        }

        return results;
    }

    private static ObjectResult EvaluateOne(CompiledPolicy policy, string source, Manifest manifest, IClusterSnapshot cluster, string? namespaceOverride)
    {
        if (manifest.Error is not null)
        {
            return new ObjectResult(source, manifest.Number, null, null, null, null, manifest.Error);
        }

        if (string.IsNullOrEmpty(manifest.Kind) || string.IsNullOrEmpty(manifest.ApiVersion))
        {
            return new ObjectResult(source, manifest.Number, manifest.Kind, manifest.Namespace, manifest.Name, null, "object has no apiVersion or kind");
        }

        var ns = namespaceOverride ?? manifest.Namespace ?? "default";
        try
        {
            var verdict = policy.Evaluate(
                new EvaluationRequest
                {
                    Group = manifest.Group,
                    Kind = manifest.Kind,
                    Namespace = ns,
                    Name = manifest.Name,
                    Object = manifest.Root,
                    Cluster = cluster,
                },
                EvaluationMode.MutateThenValidate);
            return new ObjectResult(source, manifest.Number, manifest.Kind, ns, manifest.Name, verdict, null);
        }
        catch (InvalidObjectException ex)
        {
            return new ObjectResult(source, manifest.Number, manifest.Kind, ns, manifest.Name, null, ex.Message);
        }
    }
}
