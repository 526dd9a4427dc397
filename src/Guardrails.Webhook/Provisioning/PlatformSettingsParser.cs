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
        var root = PackDocuments.Reader(file, errors).Map(node);
        var lines = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["apiVersion"] = root.LineOf("apiVersion"),
        };
        var apiVersion = root.Scalar("apiVersion");
        var kind = root.Scalar("kind");
        if (root.Map("metadata") is { } metadata)
        {
            metadata.Scalar("name");
            metadata.Scalar("description");
            metadata.Field("labels");
            metadata.Field("annotations");
            metadata.RejectUnknownFields();
        }

        var spec = root.OptionalMap("spec");
        root.RejectUnknownFields();
        var teams = new Dictionary<string, TeamSettings>(StringComparer.Ordinal);
        var tiers = new Dictionary<string, TierSettings>(StringComparer.Ordinal);
        if (spec is null)
        {
            root.Report($"{PlatformSettings.KindName} has no spec (teams and tiers)");
        }
        else
        {
            lines["spec.teams"] = spec.LineOf("teams");
            lines["spec.tiers"] = spec.LineOf("tiers");
            foreach (var (name, line, map) in Entries(spec, "teams"))
            {
                teams[name] = ReadTeam(name, line, map);
            }

            foreach (var (name, line, map) in Entries(spec, "tiers"))
            {
                tiers[name] = ReadTier(name, line, map);
            }

            spec.RejectUnknownFields();
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

    private static TeamSettings ReadTeam(string name, int line, DocumentMap map)
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var hasBudget = map.Field("budget") is not null;
        var budget = EnvironmentResources.None;
        if (map.Map("budget") is { } budgetMap)
        {
            lines["budget"] = map.LineOf("budget");
            budget = new EnvironmentResources(
                ReadQuantity(budgetMap, EnvironmentResources.CpuName, "budget.", lines),
                ReadQuantity(budgetMap, EnvironmentResources.MemoryName, "budget.", lines),
                ReadQuantity(budgetMap, EnvironmentResources.StorageName, "budget.", lines),
                ReadQuantity(budgetMap, EnvironmentResources.PodsName, "budget.", lines));
            budgetMap.RejectUnknownFields();
        }

        map.RejectUnknownFields();
        return new TeamSettings { Name = name, Budget = budget, HasBudget = hasBudget, Line = line, Lines = lines };
    }

    private static TierSettings ReadTier(string name, int line, DocumentMap map)
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        lines["podSecurity"] = map.LineOf("podSecurity");
        var podSecurity = map.Scalar("podSecurity");

        var defaultLimits = ContainerDefaults.None;
        var defaultRequests = ContainerDefaults.None;
        if (map.Map("limitRange") is { } limitRange)
        {
            lines["limitRange"] = map.LineOf("limitRange");
            defaultLimits = ReadDefaults(limitRange, "default", lines);
            defaultRequests = ReadDefaults(limitRange, "defaultRequest", lines);
            limitRange.RejectUnknownFields();
        }

        var quotaHard = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        if (map.Map("quota") is { } quota)
        {
            var hard = quota.OptionalMap("hard");
            foreach (var (resource, key, text) in hard?.Pairs($"{hard.Path} must map resource names to quantities", namesMayBeEmpty: false) ?? [])
            {
                lines[$"quota.hard.{resource}"] = YamlValues.LineOf(key);
                if (Quantity.TryParse(text, out var value, out var error))
                {
                    quotaHard[resource] = value;
                }
                else
                {
                    hard!.Report(key, $"{hard.PathOf(resource)}: {error}");
                }
            }

            quota.RejectUnknownFields();
        }

        IReadOnlyList<string> allowFrom = [];
        if (map.Map("network") is { } network)
        {
            lines["network.allowFromNamespaces"] = network.LineOf("allowFromNamespaces");
            allowFrom = network.StringList("allowFromNamespaces");
            network.RejectUnknownFields();
        }

        lines["packs"] = map.LineOf("packs");
        var packs = map.StringList("packs");
        map.RejectUnknownFields();
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

    private static ContainerDefaults ReadDefaults(DocumentMap limitRange, string key, Dictionary<string, int> lines)
    {
        if (limitRange.Map(key) is not { } map)
        {
            return ContainerDefaults.None;
        }

        var prefix = $"limitRange.{key}.";
        var defaults = new ContainerDefaults(ReadQuantity(map, "cpu", prefix, lines), ReadQuantity(map, "memory", prefix, lines));
        map.RejectUnknownFields();
        return defaults;
    }

    private static Quantity? ReadQuantity(DocumentMap map, string key, string linePrefix, Dictionary<string, int> lines)
    {
        var text = map.Scalar(key);
        if (text is null)
        {
            return null;
        }

        lines[linePrefix + key] = map.LineOf(key);
        if (Quantity.TryParse(text, out var quantity, out var error))
        {
            return quantity;
        }

        map.Report(map.Field(key)!, $"{map.PathOf(key)}: {error}");
        return null;
    }

    /// <summary>The entries of a mapping whose keys are names chosen by the author (teams, tiers), each a mapping.</summary>
    private static IEnumerable<(string Name, int Line, DocumentMap Map)> Entries(DocumentMap parent, string key)
    {
        if (parent.OptionalMap(key) is not { } entries)
        {
            yield break;
        }

        foreach (var (keyNode, value) in entries.Node.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } name })
            {
                entries.Report(keyNode, $"{entries.Path} must map names to settings");
                continue;
            }

            if (value is not YamlMappingNode entry)
            {
                entries.Report(value, $"{entries.PathOf(name)} must be a mapping");
                continue;
            }

            yield return (name, YamlValues.LineOf(keyNode), entries.Nested(entry, name));
        }
    }
}
