using System.Text.Json;
using Guardrails.Policies.Packs;
using Guardrails.Policies.Quantities;
using Guardrails.Policies.Resources;

namespace Guardrails.Webhook.Provisioning;

/// <summary>
/// Reads an Environment's spec from JSON, collecting every problem with its field path instead of stopping at the
/// first: a developer fixes a request once, not once per error.
/// </summary>
internal sealed class EnvironmentSpecReader
{
    private static readonly string[] SpecFields = ["team", "name", "tier", "resources", "members", "ttl"];
    private static readonly string[] RoleFields = ["viewers", "editors", "admins"];
    private static readonly string[] SubjectFields = ["users", "groups"];

    private readonly List<FieldError> _errors = [];

    public static EnvironmentParseResult ReadObject(JsonElement environment)
    {
        var reader = new EnvironmentSpecReader();
        if (environment.ValueKind != JsonValueKind.Object)
        {
            reader.Error("(object)", $"an Environment must be an object with apiVersion, kind, metadata and spec, not {Describe(environment)}");
            return reader.Result(null);
        }

        var apiVersion = environment.Child("apiVersion"u8).AsString();
        if (apiVersion != EnvironmentRequest.ApiVersion)
        {
            reader.Error("apiVersion", $"must be '{EnvironmentRequest.ApiVersion}', not '{apiVersion ?? "(missing)"}'");
        }

        var kind = environment.Child("kind"u8).AsString();
        if (kind != EnvironmentRequest.KindName)
        {
            reader.Error("kind", $"must be '{EnvironmentRequest.KindName}', not '{kind ?? "(missing)"}'");
        }

        var spec = environment.Child("spec"u8);
        if (!spec.IsPresent())
        {
            reader.Error("spec", "required");
            return reader.Result(null);
        }

        var request = reader.Read(spec);
        var name = environment.Child("metadata"u8).Child("name"u8).AsString();
        if (request is not null && name != request.Namespace)
        {
            reader.Error(
                "metadata.name",
                $"must be '{request.Namespace}' (spec.team, '-', spec.name: the namespace it provisions), not '{name ?? "(missing)"}'");
        }

        return reader.Result(request);
    }

    public static EnvironmentParseResult ReadSpec(JsonElement spec)
    {
        var reader = new EnvironmentSpecReader();
        return reader.Result(reader.Read(spec));
    }

    private EnvironmentParseResult Result(EnvironmentRequest? request) =>
        _errors.Count == 0 && request is not null ? new EnvironmentParseResult(request, []) : new EnvironmentParseResult(null, _errors);

    private EnvironmentRequest? Read(JsonElement spec)
    {
        if (spec.ValueKind != JsonValueKind.Object)
        {
            Error("spec", $"must be an object with team, name, tier and resources, not {Describe(spec)}");
            return null;
        }

        RejectUnknown(spec, "spec", SpecFields);
        var team = RequiredString(spec, "team");
        var name = RequiredString(spec, "name");
        var tier = RequiredString(spec, "tier");
        var resources = ReadResources(spec.Child("resources"u8));
        var members = ReadMembers(spec.Child("members"u8));
        var ttl = ReadTtl(spec.Child("ttl"u8));
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

    private string? RequiredString(JsonElement parent, string field)
    {
        var path = $"spec.{field}";
        var element = parent.Child(field);
        if (!element.IsPresent())
        {
            Error(path, "required");
            return null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            Error(path, $"must be a string, not {Describe(element)}");
            return null;
        }

        return element.AsString();
    }

    private EnvironmentResources ReadResources(JsonElement resources)
    {
        const string path = "spec.resources";
        if (!resources.IsPresent())
        {
            Error(path, "required: an environment needs at least cpu and memory");
            return EnvironmentResources.None;
        }

        if (resources.ValueKind != JsonValueKind.Object)
        {
            Error(path, $"must be an object with cpu, memory, storage and pods, not {Describe(resources)}");
            return EnvironmentResources.None;
        }

        RejectUnknown(resources, path, EnvironmentResources.Names);
        return new EnvironmentResources(
            ReadQuantity(resources, EnvironmentResources.CpuName, required: true),
            ReadQuantity(resources, EnvironmentResources.MemoryName, required: true),
            ReadQuantity(resources, EnvironmentResources.StorageName, required: false),
            ReadQuantity(resources, EnvironmentResources.PodsName, required: false));
    }

    private Quantity? ReadQuantity(JsonElement resources, string field, bool required)
    {
        var path = $"spec.resources.{field}";
        var element = resources.Child(field);
        if (!element.IsPresent())
        {
            if (required)
            {
                Error(path, $"required (for example {Example(field)})");
            }

            return null;
        }

        if (element.AsScalarText() is not { } text)
        {
            Error(path, $"must be a quantity such as {Example(field)}, not {Describe(element)}");
            return null;
        }

        if (!Quantity.TryParse(text, out var quantity, out var error))
        {
            Error(path, error);
            return null;
        }

        if (quantity.Value < 0)
        {
            Error(path, $"'{text}' is negative");
            return null;
        }

        if (required && quantity.IsZero)
        {
            Error(path, $"must be more than 0 (for example {Example(field)})");
            return null;
        }

        if (field == EnvironmentResources.PodsName && decimal.Truncate(quantity.Value) != quantity.Value)
        {
            Error(path, $"'{text}' is not a whole number of pods");
            return null;
        }

        return quantity;
    }

    private EnvironmentMembers ReadMembers(JsonElement members)
    {
        const string path = "spec.members";
        if (!members.IsPresent())
        {
            return EnvironmentMembers.None;
        }

        if (members.ValueKind != JsonValueKind.Object)
        {
            Error(path, $"must be an object with viewers, editors and admins, not {Describe(members)}");
            return EnvironmentMembers.None;
        }

        RejectUnknown(members, path, RoleFields);
        return new EnvironmentMembers(
            ReadRole(members.Child("viewers"u8), $"{path}.viewers"),
            ReadRole(members.Child("editors"u8), $"{path}.editors"),
            ReadRole(members.Child("admins"u8), $"{path}.admins"));
    }

    private RoleMembers ReadRole(JsonElement role, string path)
    {
        if (!role.IsPresent())
        {
            return RoleMembers.None;
        }

        if (role.ValueKind != JsonValueKind.Object)
        {
            Error(path, $"must be an object with users and groups, not {Describe(role)}");
            return RoleMembers.None;
        }

        RejectUnknown(role, path, SubjectFields);
        return new RoleMembers(ReadNames(role.Child("users"u8), $"{path}.users"), ReadNames(role.Child("groups"u8), $"{path}.groups"));
    }

    private List<string> ReadNames(JsonElement list, string path)
    {
        var names = new List<string>();
        if (!list.IsPresent())
        {
            return names;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            Error(path, $"must be a list of names, not {Describe(list)}");
            return names;
        }

        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (item.AsString() is { } name && !string.IsNullOrWhiteSpace(name))
            {
                // A name listed twice would become a duplicate subject; once is what was meant.
                if (!names.Contains(name, StringComparer.Ordinal))
                {
                    names.Add(name);
                }
            }
            else
            {
                Error($"{path}[{index}]", $"must be a non-empty name, not {Describe(item)}");
            }

            index++;
        }

        return names;
    }

    private TimeSpan? ReadTtl(JsonElement ttl)
    {
        const string path = "spec.ttl";
        if (!ttl.IsPresent())
        {
            return null;
        }

        if (ttl.AsString() is not { } text || !GoDuration.TryParse(text, out var duration))
        {
            Error(path, $"{Describe(ttl)} is not a duration such as 72h or 1h30m (units h, m, s)");
            return null;
        }

        if (duration <= TimeSpan.Zero)
        {
            Error(path, $"'{text}' must be longer than 0; leave ttl out for an environment that lives until deleted");
            return null;
        }

        return duration;
    }

    private void RejectUnknown(JsonElement obj, string path, IReadOnlyList<string> known)
    {
        foreach (var property in obj.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                Error($"{path}.{property.Name}", $"unknown field (expected one of: {string.Join(", ", known)})");
            }
        }
    }

    private void Error(string path, string message) => _errors.Add(new FieldError(path, message));

    private static string Example(string field) => field switch
    {
        EnvironmentResources.CpuName => "2 or 500m",
        EnvironmentResources.MemoryName => "4Gi",
        EnvironmentResources.StorageName => "20Gi",
        _ => "20",
    };

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => $"'{element.AsString()}'",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {element.GetRawText()}",
        _ => "null",
    };
}
