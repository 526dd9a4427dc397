using System.Text.Json;
using System.Text.Json.Nodes;
using Guardrails.Policies.Resources;

namespace Guardrails.Webhook.Cli.Testing;

/// <summary>Reads suite files; anything it cannot run as written is an error naming the file and the case.</summary>
public static class RuleTestSuiteReader
{
    public const string KindName = "RuleTestSuite";
    private static readonly string[] Verdicts = ["allowed", "denied", "skipped"];
    private static readonly string[] CaseKeys = ["name", "object", "file", "oldObject", "namespace", "operation", "cluster", "expect"];
    private static readonly string[] ExpectKeys = ["verdict", "rules", "patch"];

    /// <exception cref="RuleTestSuiteException">The file is not a valid suite.</exception>
    public static RuleTestSuite Read(string file, string text)
    {
        var manifests = ManifestReader.Read(text);
        try
        {
            if (manifests.Count != 1 || manifests[0].Error is { } || manifests[0].Kind != KindName)
            {
                throw new RuleTestSuiteException($"{file}: {manifests.FirstOrDefault(m => m.Error is not null)?.Error ?? $"a suite is one YAML document of kind {KindName}"}");
            }

            var root = JsonNode.Parse(manifests[0].Root.GetRawText())!.AsObject();
            var name = root["metadata"]?["name"]?.GetValue<string>() ?? Path.GetFileNameWithoutExtension(file);
            if (root["spec"]?["cases"] is not JsonArray { Count: > 0 } cases)
            {
                throw new RuleTestSuiteException($"{file}: spec.cases must list at least one case");
            }

            var enablePacks = root["spec"]?["enablePacks"] switch
            {
                null => [],
                JsonArray list when list.All(p => p is JsonValue v && v.TryGetValue<string>(out _)) => list.Select(p => p!.GetValue<string>()).ToList(),
                _ => throw new RuleTestSuiteException($"{file}: spec.enablePacks must be a list of pack names"),
            };
            return new RuleTestSuite(file, name, cases.Select((c, i) => ReadCase(file, i + 1, c)).ToList()) { EnablePacks = enablePacks };
        }
        finally
        {
            foreach (var manifest in manifests)
            {
                manifest.Dispose();
            }
        }
    }

    private static RuleTestCase ReadCase(string file, int number, JsonNode? node)
    {
        var where = $"{file}: case {number}";
        if (node is not JsonObject map)
        {
            throw new RuleTestSuiteException($"{where}: a case is a mapping with name, object (or file) and expect");
        }

        if (map.Select(p => p.Key).FirstOrDefault(k => !CaseKeys.Contains(k)) is { } unknown)
        {
            throw new RuleTestSuiteException($"{where}: unknown key '{unknown}' (known: {string.Join(", ", CaseKeys)})");
        }

        var name = Text(map, "name") ?? throw new RuleTestSuiteException($"{where}: name is required");
        where = $"{file}: case '{name}'";
        var obj = map["object"]?.DeepClone() ?? ObjectFromFile(file, Text(map, "file"), where)
            ?? throw new RuleTestSuiteException($"{where}: object (inline) or file (a path relative to the suite) is required");
        if (obj is not JsonObject)
        {
            throw new RuleTestSuiteException($"{where}: object must be a Kubernetes object");
        }

        var expect = map["expect"] as JsonObject ?? throw new RuleTestSuiteException($"{where}: expect is required (verdict, and optionally rules and patch)");
        if (expect.Select(p => p.Key).FirstOrDefault(k => !ExpectKeys.Contains(k)) is { } unknownExpect)
        {
            throw new RuleTestSuiteException($"{where}: unknown key 'expect.{unknownExpect}' (known: {string.Join(", ", ExpectKeys)})");
        }

        var verdict = Text(expect, "verdict");
        if (verdict is null || !Verdicts.Contains(verdict))
        {
            throw new RuleTestSuiteException($"{where}: expect.verdict must be one of {string.Join(", ", Verdicts)}");
        }

        var operation = Text(map, "operation") ?? "CREATE";
        if (Guardrails.Policies.Engine.AdmissionOperations.Parse(operation) is null)
        {
            throw new RuleTestSuiteException($"{where}: operation '{operation}' is not one of CREATE, UPDATE, DELETE, CONNECT");
        }

        return new RuleTestCase
        {
            Name = name,
            Object = obj,
            OldObject = map["oldObject"]?.DeepClone(),
            Namespace = Text(map, "namespace"),
            Operation = operation,
            Cluster = map["cluster"] switch
            {
                null => [],
                JsonArray list => list.Select(n => n!.DeepClone()).ToList(),
                _ => throw new RuleTestSuiteException($"{where}: cluster must be a list of objects (ResourceQuota, LimitRange, Namespace)"),
            },
            Verdict = verdict,
            Rules = expect["rules"] switch
            {
                null => null,
                JsonArray ids when ids.All(i => i is JsonValue v && v.GetValueKind() == JsonValueKind.String) => ids.Select(i => i!.GetValue<string>()).ToList(),
                _ => throw new RuleTestSuiteException($"{where}: expect.rules must be a list of rule ids"),
            },
            Patch = expect["patch"] switch
            {
                null => null,
                JsonArray patch => (JsonArray)patch.DeepClone(),
                _ => throw new RuleTestSuiteException($"{where}: expect.patch must be a JSON Patch (a list of operations)"),
            },
        };
    }

    private static JsonNode? ObjectFromFile(string suiteFile, string? relative, string where)
    {
        if (relative is null)
        {
            return null;
        }

        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(suiteFile))!, relative);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RuleTestSuiteException($"{where}: cannot read file {relative}: {ex.Message}", ex);
        }

        var manifests = ManifestReader.Read(text);
        try
        {
            if (manifests.Count != 1 || manifests[0].Error is not null)
            {
                throw new RuleTestSuiteException($"{where}: file {relative} must hold exactly one valid object ({manifests.FirstOrDefault(m => m.Error is not null)?.Error ?? $"it holds {manifests.Count}"})");
            }

            return JsonNode.Parse(manifests[0].Root.GetRawText());
        }
        finally
        {
            foreach (var manifest in manifests)
            {
                manifest.Dispose();
            }
        }
    }

    private static string? Text(JsonObject map, string key) =>
        map[key] is JsonValue value && value.GetValueKind() is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
            ? value.ToString()
            : null;
}
