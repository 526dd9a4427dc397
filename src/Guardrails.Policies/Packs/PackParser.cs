using Guardrails.Policies.Documents;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Policies.Packs;

/// <summary>Turns pack YAML into <see cref="RulePack"/> models; structural problems become <see cref="PackError"/>s with lines.</summary>
public static class PackParser
{
    /// <summary>Documents of this kind are skipped: they configure provisioning, not rules.</summary>
    public const string PlatformSettingsKind = "PlatformSettings";

    public static IReadOnlyList<RulePack> Parse(PackSource source, List<PackError> errors)
    {
        var packs = new List<RulePack>();
        foreach (var document in PackDocuments.Load(source, errors))
        {
            switch (document.RootNode)
            {
                // Platform settings for provisioning live beside the packs so that one directory (one ConfigMap) is
                // hot-reloaded as a unit; they have their own parser, so they are not packs and must not be refused.
                case YamlMappingNode root when PackDocuments.IsKind(root, PlatformSettingsKind):
                    break;
                case YamlMappingNode root:
                    packs.Add(ReadPack(new YamlMap(root, source.File, "", errors), source.File, errors));
                    break;
                case YamlScalarNode { Value: null or "" }:
                    break;
                default:
                    errors.Add(new PackError(source.File, YamlValues.LineOf(document.RootNode), "a pack must be a YAML mapping with apiVersion, kind, metadata and spec"));
                    break;
            }
        }

        return packs;
    }

    private static RulePack ReadPack(YamlMap root, string file, List<PackError> errors)
    {
        var apiVersion = root.String("apiVersion");
        var kind = root.String("kind");
        var metadata = root.Map("metadata");
        var name = metadata?.String("name");
        var nameLine = metadata?.LineOf("name") ?? root.Line;
        var description = metadata?.String("description");
        metadata?.Node("labels");
        metadata?.Node("annotations");
        metadata?.RejectUnknownKeys();

        var spec = root.Map("spec");
        if (spec is null)
        {
            errors.Add(new PackError(file, root.Line, "pack has no spec"));
        }

        root.RejectUnknownKeys();
        var enabled = spec?.Bool("enabled") ?? true;
        var scope = ReadScope(spec?.Map("scope"), errors, file) ?? ScopeSpec.All;
        var rules = spec is null ? [] : spec.Maps("rules").Select(r => ReadRule(r.Map, errors, file)).ToList();
        spec?.RejectUnknownKeys();

        return new RulePack
        {
            File = file,
            Line = root.Line,
            ApiVersion = apiVersion,
            Kind = kind,
            Name = name,
            NameLine = nameLine,
            Description = description,
            Enabled = enabled,
            Scope = scope,
            Rules = rules,
        };
    }

    private static PackRule ReadRule(YamlMap map, List<PackError> errors, string file)
    {
        var rule = new PackRule
        {
            Id = map.String("id"),
            Line = map.Line,
            Enabled = map.Bool("enabled") ?? true,
            ModeText = map.String("mode"),
            ModeLine = map.LineOf("mode"),
            Scope = ReadScope(map.Map("scope"), errors, file),
            Parameters = map.RawMap("parameters"),
            Exceptions = Exceptions.ExceptionBoundsReader.Read(map.Map("exceptions"), map.String("id") ?? "(no id)", file, errors),
        };
        map.RejectUnknownKeys();
        return rule;
    }

    private static ScopeSpec? ReadScope(YamlMap? map, List<PackError> errors, string file)
    {
        if (map is null)
        {
            return null;
        }

        var scope = new ScopeSpec
        {
            Line = map.Line,
            IncludeNamespaces = map.StringList("includeNamespaces"),
            ExcludeNamespaces = map.StringList("excludeNamespaces"),
            NamespaceSelector = ReadSelector(map.Map("namespaceSelector"), errors, file),
            IncludeSystemNamespaces = map.Bool("includeSystemNamespaces") ?? false,
        };
        map.RejectUnknownKeys();
        return scope;
    }

    private static LabelSelector? ReadSelector(YamlMap? map, List<PackError> errors, string file)
    {
        if (map is null)
        {
            return null;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (map.Map("matchLabels") is { } matchLabels)
        {
            var raw = map.RawMap("matchLabels")!;
            foreach (var (key, value) in raw.Children)
            {
                if (key is YamlScalarNode { Value: { } k } && value is YamlScalarNode { Value: { } v })
                {
                    labels[k] = v;
                }
                else
                {
                    matchLabels.Error(key, "namespaceSelector.matchLabels must map label names to values");
                }
            }
        }

        var expressions = new List<LabelSelectorRequirement>();
        foreach (var (expression, _) in map.Maps("matchExpressions"))
        {
            var key = expression.String("key") ?? "";
            var op = expression.String("operator") ?? "";
            var values = expression.StringList("values");
            expression.RejectUnknownKeys();
            if (key.Length == 0)
            {
                errors.Add(new PackError(file, expression.Line, "namespaceSelector.matchExpressions entry needs a key"));
            }

            if (!LabelSelectorRequirement.Operators.Contains(op))
            {
                errors.Add(new PackError(file, expression.Line, $"namespaceSelector operator '{op}' is not one of In, NotIn, Exists, DoesNotExist"));
            }
            else if ((op is "In" or "NotIn") != (values.Count > 0))
            {
                errors.Add(new PackError(file, expression.Line, $"namespaceSelector operator {op} {(values.Count > 0 ? "takes no values" : "needs values")}"));
            }

            expressions.Add(new LabelSelectorRequirement(key, op, values));
        }

        map.RejectUnknownKeys();
        return new LabelSelector(labels, expressions);
    }
}
