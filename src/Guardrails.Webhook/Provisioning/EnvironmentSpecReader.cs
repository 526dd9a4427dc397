using System.Text.Json;
using Guardrails.Policies.Documents;
using Guardrails.Policies.Packs;
using Guardrails.Policies.Quantities;
using Guardrails.Policies.Resources;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Webhook.Provisioning;

/// <summary>
/// Reads an Environment's spec on <see cref="DocumentReader"/>, collecting every problem with its field path (and its
/// line and column when the spec came as text) instead of stopping at the first: a developer fixes a request once,
/// not once per error. Types are JSON's, as the apiserver sends them: <c>team: 7</c> is a number, not a name.
/// </summary>
internal sealed class EnvironmentSpecReader
{
    /// <summary>What the REST door's positions point into.</summary>
    public const string BodyName = "body";

    private static readonly string[] ObjectFields = ["apiVersion", "kind", "metadata", "spec"];
    private static readonly string[] SpecFields = ["team", "name", "tier", "resources", "members", "ttl"];
    private static readonly string[] RoleFields = ["viewers", "editors", "admins"];
    private static readonly string[] SubjectFields = ["users", "groups"];

    private readonly List<FieldError> _errors = [];
    private readonly DocumentReader _reader;

    private EnvironmentSpecReader(string file, bool positioned)
    {
        _reader = new DocumentReader(file, error => _errors.Add(FieldError.From(error)), positioned);
    }

    public static EnvironmentParseResult ReadObject(JsonElement environment)
    {
        var reader = new EnvironmentSpecReader("", positioned: false);
        if (environment.ValueKind != JsonValueKind.Object)
        {
            reader._reader.Report(null, "(object)", DocumentErrorKind.Invalid, $"an Environment must be an object with apiVersion, kind, metadata and spec, not {YamlValues.Describe(JsonNodes.From(environment))}");
            return reader.Result(null);
        }

        // Only what is read is converted: status and managed fields are never looked at.
        var root = new YamlMappingNode();
        foreach (var name in ObjectFields)
        {
            if (JsonNodes.From(environment.Child(name)) is { } value)
            {
                root.Children[new YamlScalarNode(name)] = value;
            }
        }

        return reader.ReadObject(reader._reader.Map(root));
    }

    public static EnvironmentParseResult ReadSpec(JsonElement spec)
    {
        var reader = new EnvironmentSpecReader("", positioned: false);
        return reader.Result(reader.Read(JsonNodes.From(spec)));
    }

    /// <summary>The REST door's body: <paramref name="parsed"/> is <paramref name="text"/> parsed as JSON; errors point into the text.</summary>
    public static EnvironmentParseResult ReadSpec(string text, JsonElement parsed)
    {
        if (JsonNodes.Positioned(text, parsed) is not { } node)
        {
            return ReadSpec(parsed);
        }

        var reader = new EnvironmentSpecReader(BodyName, positioned: true);
        return reader.Result(reader.Read(node));
    }

    private EnvironmentParseResult ReadObject(DocumentMap environment)
    {
        var apiVersion = environment.StringOrNull("apiVersion");
        if (apiVersion != EnvironmentRequest.ApiVersion)
        {
            environment.Invalid(environment.Field("apiVersion"), "apiVersion", $"must be '{EnvironmentRequest.ApiVersion}', not '{apiVersion ?? "(missing)"}'");
        }

        var kind = environment.StringOrNull("kind");
        if (kind != EnvironmentRequest.KindName)
        {
            environment.Invalid(environment.Field("kind"), "kind", $"must be '{EnvironmentRequest.KindName}', not '{kind ?? "(missing)"}'");
        }

        if (YamlValues.IsNull(environment.Field("spec")))
        {
            environment.Missing("spec", "required");
            return Result(null);
        }

        var request = Read(environment.Field("spec"));
        var metadata = environment.Field("metadata") is YamlMappingNode node ? environment.Nested(node, "metadata") : null;
        var name = metadata?.StringOrNull("name");
        if (request is not null && name != request.Namespace)
        {
            environment.Invalid(
                metadata?.Field("name") ?? metadata?.Node,
                "metadata.name",
                $"must be '{request.Namespace}' (spec.team, '-', spec.name: the namespace it provisions), not '{name ?? "(missing)"}'");
        }

        return Result(request);
    }

    private EnvironmentParseResult Result(EnvironmentRequest? request) =>
        _errors.Count == 0 && request is not null ? new EnvironmentParseResult(request, []) : new EnvironmentParseResult(null, _errors);

    private EnvironmentRequest? Read(YamlNode? node)
    {
        if (node is not YamlMappingNode mapping)
        {
            _reader.Report(node, "spec", DocumentErrorKind.Invalid, $"must be an object with team, name, tier and resources, not {YamlValues.Describe(node)}");
            return null;
        }

        var spec = _reader.Map(mapping, "spec");
        spec.RejectFieldsOtherThan(SpecFields);
        var team = spec.RequiredString("team");
        var name = spec.RequiredString("name");
        var tier = spec.RequiredString("tier");
        var resources = ReadResources(spec);
        var members = ReadMembers(spec);
        var ttl = ReadTtl(spec);
        if (team is null || name is null || tier is null)
        {
            return null;
        }

        return new EnvironmentRequest
        {
            Team = team,
            Name = name,
            Tier = tier,
            Resources = resources,
            Members = members,
            Ttl = ttl,
        };
    }

    private static EnvironmentResources ReadResources(DocumentMap spec)
    {
        if (YamlValues.IsNull(spec.Field("resources")))
        {
            spec.Missing("resources", "required: an environment needs at least cpu and memory");
            return EnvironmentResources.None;
        }

        if (spec.OptionalMap("resources", "an object with cpu, memory, storage and pods") is not { } resources)
        {
            return EnvironmentResources.None;
        }

        resources.RejectFieldsOtherThan(EnvironmentResources.Names);
        return new EnvironmentResources(
            ReadQuantity(resources, EnvironmentResources.CpuName, required: true),
            ReadQuantity(resources, EnvironmentResources.MemoryName, required: true),
            ReadQuantity(resources, EnvironmentResources.StorageName, required: false),
            ReadQuantity(resources, EnvironmentResources.PodsName, required: false));
    }

    private static Quantity? ReadQuantity(DocumentMap resources, string field, bool required)
    {
        var node = resources.Field(field);
        var path = resources.PathOf(field);
        if (YamlValues.IsNull(node))
        {
            if (required)
            {
                resources.Missing(field, $"required (for example {Example(field)})");
            }

            return null;
        }

        if (YamlValues.StringOrNumberText(node) is not { } text)
        {
            resources.Invalid(node, path, $"must be a quantity such as {Example(field)}, not {YamlValues.Describe(node)}");
            return null;
        }

        if (!Quantity.TryParse(text, out var quantity, out var error))
        {
            resources.Invalid(node, path, error);
            return null;
        }

        if (quantity.Value < 0)
        {
            resources.Invalid(node, path, $"'{text}' is negative");
            return null;
        }

        if (required && quantity.IsZero)
        {
            resources.Invalid(node, path, $"must be more than 0 (for example {Example(field)})");
            return null;
        }

        if (field == EnvironmentResources.PodsName && decimal.Truncate(quantity.Value) != quantity.Value)
        {
            resources.Invalid(node, path, $"'{text}' is not a whole number of pods");
            return null;
        }

        return quantity;
    }

    private static EnvironmentMembers ReadMembers(DocumentMap spec)
    {
        if (spec.OptionalMap("members", "an object with viewers, editors and admins") is not { } members)
        {
            return EnvironmentMembers.None;
        }

        members.RejectFieldsOtherThan(RoleFields);
        return new EnvironmentMembers(ReadRole(members, "viewers"), ReadRole(members, "editors"), ReadRole(members, "admins"));
    }

    private static RoleMembers ReadRole(DocumentMap members, string role)
    {
        if (members.OptionalMap(role, "an object with users and groups") is not { } subjects)
        {
            return RoleMembers.None;
        }

        subjects.RejectFieldsOtherThan(SubjectFields);
        return new RoleMembers(ReadNames(subjects, "users"), ReadNames(subjects, "groups"));
    }

    private static List<string> ReadNames(DocumentMap subjects, string field)
    {
        var names = new List<string>();
        var node = subjects.Field(field);
        var path = subjects.PathOf(field);
        if (YamlValues.IsNull(node))
        {
            return names;
        }

        if (node is not YamlSequenceNode list)
        {
            subjects.Invalid(node, path, $"must be a list of names, not {YamlValues.Describe(node)}");
            return names;
        }

        var index = 0;
        foreach (var item in list)
        {
            if (YamlValues.KindOf(item) == ScalarKind.String && ((YamlScalarNode)item).Value is { } name && !string.IsNullOrWhiteSpace(name))
            {
                // A name listed twice would become a duplicate subject; once is what was meant.
                if (!names.Contains(name, StringComparer.Ordinal))
                {
                    names.Add(name);
                }
            }
            else
            {
                subjects.Invalid(item, $"{path}[{index}]", $"must be a non-empty name, not {YamlValues.Describe(item)}");
            }

            index++;
        }

        return names;
    }

    private static TimeSpan? ReadTtl(DocumentMap spec)
    {
        var node = spec.Field("ttl");
        var path = spec.PathOf("ttl");
        if (YamlValues.IsNull(node))
        {
            return null;
        }

        if (spec.StringOrNull("ttl") is not { } text || !GoDuration.TryParse(text, out var duration))
        {
            spec.Invalid(node, path, $"{YamlValues.Describe(node)} is not a duration such as 72h or 1h30m (units h, m, s)");
            return null;
        }

        if (duration <= TimeSpan.Zero)
        {
            spec.Invalid(node, path, $"'{text}' must be longer than 0; leave ttl out for an environment that lives until deleted");
            return null;
        }

        return duration;
    }

    private static string Example(string field) => field switch
    {
        EnvironmentResources.CpuName => "2 or 500m",
        EnvironmentResources.MemoryName => "4Gi",
        EnvironmentResources.StorageName => "20Gi",
        _ => "20",
    };
}
