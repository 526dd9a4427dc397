using Guardrails.Policies.Documents;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Policies.Packs;

/// <summary>Turns pack YAML into <see cref="RulePack"/> models through <see cref="DocumentReader"/>; structural problems become <see cref="PackError"/>s with lines.</summary>
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
                    packs.Add(ReadPack(PackDocuments.Reader(source.File, errors).Map(root)));
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

    private static RulePack ReadPack(DocumentMap root)
    {
        var apiVersion = root.Scalar("apiVersion");
        var kind = root.Scalar("kind");
        var metadata = root.Map("metadata");
        var name = metadata?.Scalar("name");
        var nameLine = metadata?.LineOf("name") ?? root.Line;
        var description = metadata?.Scalar("description");
        metadata?.Field("labels");
        metadata?.Field("annotations");
        metadata?.RejectUnknownFields();

        var spec = root.Map("spec");
        if (spec is null)
        {
            root.Report("pack has no spec");
        }

        root.RejectUnknownFields();
        var enabled = spec?.Bool("enabled") ?? true;
        var scope = ReadScope(spec?.Map("scope")) ?? ScopeSpec.All;
        var rules = spec is null ? [] : spec.Maps("rules").Select(ReadRule).ToList();
        spec?.RejectUnknownFields();

        return new RulePack
        {
            File = root.File,
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

    private static PackRule ReadRule(DocumentMap map)
    {
        var rule = new PackRule
        {
            Id = map.Scalar("id"),
            Line = map.Line,
            Enabled = map.Bool("enabled") ?? true,
            ModeText = map.Scalar("mode"),
            ModeLine = map.LineOf("mode"),
            Scope = ReadScope(map.Map("scope")),
            Parameters = map.OptionalMap("parameters")?.Node,
            Exceptions = Exceptions.ExceptionBoundsReader.Read(map.Map("exceptions"), map.Scalar("id") ?? "(no id)"),
        };
        map.RejectUnknownFields();
        return rule;
    }

    private static ScopeSpec? ReadScope(DocumentMap? map)
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
            NamespaceSelector = ReadSelector(map.Map("namespaceSelector")),
            IncludeSystemNamespaces = map.Bool("includeSystemNamespaces") ?? false,
        };
        map.RejectUnknownFields();
        return scope;
    }

    private static LabelSelector? ReadSelector(DocumentMap? map)
    {
        if (map is null)
        {
            return null;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, _, value) in map.Map("matchLabels")?.Pairs("namespaceSelector.matchLabels must map label names to values") ?? [])
        {
            labels[name] = value;
        }

        var expressions = new List<LabelSelectorRequirement>();
        foreach (var expression in map.Maps("matchExpressions"))
        {
            var key = expression.Scalar("key") ?? "";
            var op = expression.Scalar("operator") ?? "";
            var values = expression.StringList("values");
            expression.RejectUnknownFields();
            if (key.Length == 0)
            {
                expression.Report("namespaceSelector.matchExpressions entry needs a key");
            }

            if (!LabelSelectorRequirement.Operators.Contains(op))
            {
                expression.Report($"namespaceSelector operator '{op}' is not one of In, NotIn, Exists, DoesNotExist");
            }
            else if ((op is "In" or "NotIn") != (values.Count > 0))
            {
                expression.Report($"namespaceSelector operator {op} {(values.Count > 0 ? "takes no values" : "needs values")}");
            }

            expressions.Add(new LabelSelectorRequirement(key, op, values));
        }

        map.RejectUnknownFields();
        return new LabelSelector(labels, expressions);
    }
}
