using System.Text.Json;
using Guardrails.Policies.Quantities;
using Guardrails.Policies.Resources;

namespace Guardrails.Policies.State;

/// <summary>Reads Namespace, ResourceQuota and LimitRange objects into state records; shared by files, request bodies and watch caches.</summary>
public static class StateReader
{
    public static NamespaceInfo ReadNamespace(JsonElement item)
    {
        var metadata = item.Child("metadata"u8);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata.Child("labels"u8).ValueKind == JsonValueKind.Object)
        {
            foreach (var label in metadata.Child("labels"u8).EnumerateObject())
            {
                labels[label.Name] = label.Value.Display();
            }
        }

        return new NamespaceInfo(metadata.Child("name"u8).AsString() ?? "", labels)
        {
            Terminating = metadata.Child("deletionTimestamp"u8).IsPresent() || item.Child("status"u8).Child("phase"u8).AsString() == "Terminating",
        };
    }

    /// <exception cref="ClusterStateException">A quantity is malformed; the message names the object and field.</exception>
    public static ResourceQuotaState ReadQuota(JsonElement item, string defaultNamespace = "default")
    {
        var (name, ns) = Identity(item, defaultNamespace);
        var spec = item.Child("spec"u8);
        var scopes = new List<ScopeRequirement>();
        if (spec.Child("scopes"u8).ValueKind == JsonValueKind.Array)
        {
            scopes.AddRange(spec.Child("scopes"u8).EnumerateArray().Select(s => new ScopeRequirement(s.Display(), "Exists", [])));
        }

        var expressions = spec.Child("scopeSelector"u8).Child("matchExpressions"u8);
        if (expressions.ValueKind == JsonValueKind.Array)
        {
            foreach (var expression in expressions.EnumerateArray())
            {
                var values = expression.Child("values"u8).ValueKind == JsonValueKind.Array
                    ? expression.Child("values"u8).EnumerateArray().Select(v => v.Display()).ToList()
                    : [];
                scopes.Add(new ScopeRequirement(expression.Child("scopeName"u8).Display(), expression.Child("operator"u8).Display(), values));
            }
        }

        return new ResourceQuotaState(
            name,
            ns,
            ReadQuantities(spec.Child("hard"u8), $"ResourceQuota {ns}/{name} spec.hard"),
            ReadQuantities(item.Child("status"u8).Child("used"u8), $"ResourceQuota {ns}/{name} status.used"),
            scopes);
    }

    /// <summary>The <c>type: Container</c> defaults, or null when the LimitRange sets none.</summary>
    /// <exception cref="ClusterStateException">A quantity is malformed.</exception>
    public static LimitRangeDefaults? ReadLimitRange(JsonElement item, string defaultNamespace = "default")
    {
        var (name, ns) = Identity(item, defaultNamespace);
        var limits = item.Child("spec"u8).Child("limits"u8);
        if (limits.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var index = 0;
        foreach (var limit in limits.EnumerateArray())
        {
            if (limit.Child("type"u8).AsString() == "Container")
            {
                var where = $"LimitRange {ns}/{name} spec.limits[{index}]";
                return new LimitRangeDefaults(
                    name,
                    ReadQuantities(limit.Child("default"u8), where + ".default"),
                    ReadQuantities(limit.Child("defaultRequest"u8), where + ".defaultRequest"));
            }

            index++;
        }

        return null;
    }

    public static (string Name, string Namespace) Identity(JsonElement item, string defaultNamespace = "default")
    {
        var metadata = item.Child("metadata"u8);
        return (metadata.Child("name"u8).AsString() ?? "(unnamed)", metadata.Child("namespace"u8).AsString() ?? defaultNamespace);
    }

    private static Dictionary<string, Quantity> ReadQuantities(JsonElement map, string where)
    {
        var result = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        if (map.ValueKind != JsonValueKind.Object)
        {
            return result;
        }

        foreach (var entry in map.EnumerateObject())
        {
            if (!Quantity.TryParse(entry.Value.AsScalarText(), out var quantity, out var error))
            {
                throw new ClusterStateException($"{where}.{entry.Name}: {error}");
            }

            if (quantity.Value < 0)
            {
                // Quota arithmetic is never fed a negative: it would hand out room that does not exist.
                throw new ClusterStateException($"{where}.{entry.Name}: must be 0 or more, not {entry.Value.AsScalarText()}");
            }

            result[entry.Name] = quantity;
        }

        return result;
    }
}
