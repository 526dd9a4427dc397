using Guardrails.Policies.Documents;
using Guardrails.Policies.Packs;
using Guardrails.Policies.Quantities;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Webhook.Provisioning;

/// <summary>
/// Reads and validates the <c>kind: PlatformSettings</c> document from the text of the policies directory's files
/// (the host reads the files, as for packs). Documents of other kinds are the packs' and are skipped, so the host may
/// hand it every file of the directory. Every problem comes back with file and line; nothing half-valid is returned.
/// </summary>
public static class PlatformSettingsParser
{
    private static readonly PlatformSettingsValidator Validator = new();

    public static PlatformSettingsLoadResult Parse(PackSource source) => Load([source]);

    /// <summary>Exactly one PlatformSettings document must be found among <paramref name="sources"/>.</summary>
    public static PlatformSettingsLoadResult Load(IEnumerable<PackSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var errors = new List<PackError>();
        var found = new List<PlatformSettings>();
        var files = new List<string>();
        foreach (var source in sources)
        {
            files.Add(source.File);
            foreach (var document in PackDocuments.Load(source, errors))
            {
                if (document.RootNode is YamlMappingNode root && PackDocuments.IsKind(root, PlatformSettings.KindName))
                {
                    found.Add(Read(root, source.File, errors));
                }
            }
        }

        if (found.Count == 0 && errors.Count == 0)
        {
            var where = files.Count == 1 ? files[0] : Path.GetDirectoryName(files.FirstOrDefault()) ?? "";
            errors.Add(new PackError(where, 0, $"no {PlatformSettings.KindName} document: provisioning needs one (for example policies/platform.yaml)"));
            return new PlatformSettingsLoadResult(null, errors) { Absent = true };
        }

        foreach (var extra in found.Skip(1))
        {
            errors.Add(new PackError(extra.File, extra.Line, $"a second {PlatformSettings.KindName} document; the first is at {found[0].File}:{found[0].Line}, and only one may exist"));
        }

        if (found.Count == 1)
        {
            var settings = found[0];
            foreach (var failure in Validator.Validate(settings).Errors)
            {
                errors.Add(new PackError(settings.File, failure.CustomState as int? ?? settings.Line, failure.ErrorMessage));
            }
        }

        return errors.Count == 0
            ? new PlatformSettingsLoadResult(found[0], [])
            : new PlatformSettingsLoadResult(null, errors.OrderBy(e => e.File, StringComparer.Ordinal).ThenBy(e => e.Line).ToList());
    }

    private static PlatformSettings Read(YamlMappingNode node, string file, List<PackError> errors)
    {
        var root = new YamlMap(node, file, "", errors);
        var lines = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["apiVersion"] = root.LineOf("apiVersion"),
        };
        var apiVersion = root.String("apiVersion");
        var kind = root.String("kind");
        if (root.Map("metadata") is { } metadata)
        {
            metadata.String("name");
            metadata.String("description");
            metadata.Node("labels");
            metadata.Node("annotations");
            metadata.RejectUnknownKeys();
        }

        var specNode = root.RawMap("spec");
        root.RejectUnknownKeys();
        var teams = new Dictionary<string, TeamSettings>(StringComparer.Ordinal);
        var tiers = new Dictionary<string, TierSettings>(StringComparer.Ordinal);
        if (specNode is null)
        {
            errors.Add(new PackError(file, root.Line, $"{PlatformSettings.KindName} has no spec (teams and tiers)"));
        }
        else
        {
            var spec = new YamlMap(specNode, file, "spec", errors);
            lines["spec.teams"] = spec.LineOf("teams");
            lines["spec.tiers"] = spec.LineOf("tiers");
            foreach (var (name, line, map) in Entries(spec, "teams", "spec.teams", file, errors))
            {
                teams[name] = ReadTeam(name, line, map);
            }

            foreach (var (name, line, map) in Entries(spec, "tiers", "spec.tiers", file, errors))
            {
                tiers[name] = ReadTier(name, line, map, file, errors);
            }

            spec.RejectUnknownKeys();
        }

        return new PlatformSettings
        {
            File = file,
            Line = root.Line,
            ApiVersion = apiVersion,
            Kind = kind,
            Teams = teams,
            Tiers = tiers,
            Lines = lines,
        };
    }

    private static TeamSettings ReadTeam(string name, int line, YamlMap map)
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = $"spec.teams.{name}";
        var hasBudget = map.Node("budget") is not null;
        var budget = EnvironmentResources.None;
        if (map.Map("budget") is { } budgetMap)
        {
            lines["budget"] = map.LineOf("budget");
            budget = new EnvironmentResources(
                ReadQuantity(budgetMap, EnvironmentResources.CpuName, $"{path}.budget", "budget.", lines),
                ReadQuantity(budgetMap, EnvironmentResources.MemoryName, $"{path}.budget", "budget.", lines),
                ReadQuantity(budgetMap, EnvironmentResources.StorageName, $"{path}.budget", "budget.", lines),
                ReadQuantity(budgetMap, EnvironmentResources.PodsName, $"{path}.budget", "budget.", lines));
            budgetMap.RejectUnknownKeys();
        }

        map.RejectUnknownKeys();
        return new TeamSettings { Name = name, Budget = budget, HasBudget = hasBudget, Line = line, Lines = lines };
    }

    private static TierSettings ReadTier(string name, int line, YamlMap map, string file, List<PackError> errors)
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = $"spec.tiers.{name}";
        lines["podSecurity"] = map.LineOf("podSecurity");
        var podSecurity = map.String("podSecurity");

        var defaultLimits = ContainerDefaults.None;
        var defaultRequests = ContainerDefaults.None;
        if (map.Map("limitRange") is { } limitRange)
        {
            lines["limitRange"] = map.LineOf("limitRange");
            defaultLimits = ReadDefaults(limitRange, "default", $"{path}.limitRange", lines);
            defaultRequests = ReadDefaults(limitRange, "defaultRequest", $"{path}.limitRange", lines);
            limitRange.RejectUnknownKeys();
        }

        var quotaHard = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        if (map.Map("quota") is { } quota)
        {
            foreach (var (resource, resourceLine, text) in Scalars(quota, "hard", $"{path}.quota.hard", file, errors))
            {
                lines[$"quota.hard.{resource}"] = resourceLine;
                if (Quantity.TryParse(text, out var value, out var error))
                {
                    quotaHard[resource] = value;
                }
                else
                {
                    errors.Add(new PackError(file, resourceLine, $"{path}.quota.hard.{resource}: {error}"));
                }
            }

            quota.RejectUnknownKeys();
        }

        IReadOnlyList<string> allowFrom = [];
        if (map.Map("network") is { } network)
        {
            lines["network.allowFromNamespaces"] = network.LineOf("allowFromNamespaces");
            allowFrom = network.StringList("allowFromNamespaces");
            network.RejectUnknownKeys();
        }

        lines["packs"] = map.LineOf("packs");
        var packs = map.StringList("packs");
        map.RejectUnknownKeys();
        return new TierSettings
        {
            Name = name,
            PodSecurity = podSecurity,
            DefaultLimits = defaultLimits,
            DefaultRequests = defaultRequests,
            QuotaHard = quotaHard,
            AllowFromNamespaces = allowFrom,
            Packs = packs,
            Line = line,
            Lines = lines,
        };
    }

    private static ContainerDefaults ReadDefaults(YamlMap limitRange, string key, string path, Dictionary<string, int> lines)
    {
        if (limitRange.Map(key) is not { } map)
        {
            return ContainerDefaults.None;
        }

        var prefix = $"limitRange.{key}.";
        var defaults = new ContainerDefaults(
            ReadQuantity(map, "cpu", $"{path}.{key}", prefix, lines),
            ReadQuantity(map, "memory", $"{path}.{key}", prefix, lines));
        map.RejectUnknownKeys();
        return defaults;
    }

    private static Quantity? ReadQuantity(YamlMap map, string key, string path, string linePrefix, Dictionary<string, int> lines)
    {
        var text = map.String(key);
        if (text is null)
        {
            return null;
        }

        lines[linePrefix + key] = map.LineOf(key);
        if (Quantity.TryParse(text, out var quantity, out var error))
        {
            return quantity;
        }

        map.Error(map.Node(key)!, $"{path}.{key}: {error}");
        return null;
    }

    /// <summary>The entries of a mapping whose keys are names chosen by the author (teams, tiers), each a mapping.</summary>
    private static IEnumerable<(string Name, int Line, YamlMap Map)> Entries(YamlMap parent, string key, string path, string file, List<PackError> errors)
    {
        if (parent.RawMap(key) is not { } mapping)
        {
            yield break;
        }

        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } name })
            {
                errors.Add(new PackError(file, YamlValues.LineOf(keyNode), $"{path} must map names to settings"));
                continue;
            }

            if (value is not YamlMappingNode entry)
            {
                errors.Add(new PackError(file, YamlValues.LineOf(value), $"{path}.{name} must be a mapping"));
                continue;
            }

            yield return (name, YamlValues.LineOf(keyNode), new YamlMap(entry, file, $"{path}.{name}", errors));
        }
    }

    private static IEnumerable<(string Name, int Line, string Text)> Scalars(YamlMap parent, string key, string path, string file, List<PackError> errors)
    {
        if (parent.RawMap(key) is not { } mapping)
        {
            yield break;
        }

        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is YamlScalarNode { Value: { Length: > 0 } name } && value is YamlScalarNode { Value: { } text })
            {
                yield return (name, YamlValues.LineOf(keyNode), text);
            }
            else
            {
                errors.Add(new PackError(file, YamlValues.LineOf(keyNode), $"{path} must map resource names to quantities"));
            }
        }
    }
}
