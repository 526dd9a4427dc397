using System.Collections.Frozen;
using System.Text.Json;
using Guardrails.Policies.Quantities;
using Guardrails.Policies.Resources;

namespace Guardrails.Policies.State;

/// <summary>An immutable snapshot built from Kubernetes objects: Namespaces, ResourceQuotas and LimitRanges.</summary>
public sealed class ClusterSnapshot : IClusterSnapshot
{
    public static readonly ClusterSnapshot Empty = new(
        FrozenDictionary<string, NamespaceInfo>.Empty,
        FrozenDictionary<string, NamespaceQuota>.Empty);

    private readonly FrozenDictionary<string, NamespaceInfo> _namespaces;
    private readonly FrozenDictionary<string, NamespaceQuota> _quotas;

    public ClusterSnapshot(IReadOnlyDictionary<string, NamespaceInfo> namespaces, IReadOnlyDictionary<string, NamespaceQuota> quotas)
    {
        _namespaces = namespaces.ToFrozenDictionary(StringComparer.Ordinal);
        _quotas = quotas.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public int NamespaceCount => _namespaces.Count;

    public int QuotaCount => _quotas.Values.Sum(q => q.Quotas.Count);

    public NamespaceInfo? GetNamespace(string name) => _namespaces.GetValueOrDefault(name);

    public NamespaceQuota GetQuota(string @namespace) => _quotas.GetValueOrDefault(@namespace) ?? NamespaceQuota.None;

    /// <summary>
    /// Reads Namespace, ResourceQuota and LimitRange objects (a <c>kind: List</c> is unwrapped); other kinds are ignored.
    /// Objects without a namespace are placed in <paramref name="defaultNamespace"/>.
    /// </summary>
    /// <exception cref="ClusterStateException">An object is malformed; the message names it and the field.</exception>
    public static ClusterSnapshot FromObjects(IEnumerable<JsonElement> objects, string defaultNamespace = "default")
    {
        var namespaces = new Dictionary<string, NamespaceInfo>(StringComparer.Ordinal);
        var quotas = new Dictionary<string, List<ResourceQuotaState>>(StringComparer.Ordinal);
        var limitRanges = new Dictionary<string, List<LimitRangeDefaults>>(StringComparer.Ordinal);

        foreach (var item in Flatten(objects))
        {
            var kind = item.Child("kind"u8).AsString();
            var metadata = item.Child("metadata"u8);
            var name = metadata.Child("name"u8).AsString() ?? "(unnamed)";
            var ns = metadata.Child("namespace"u8).AsString() ?? defaultNamespace;
            switch (kind)
            {
                case "Namespace":
                    namespaces[name] = new NamespaceInfo(name, ReadLabels(metadata.Child("labels"u8)));
                    break;
                case "ResourceQuota":
                    Add(quotas, ns, ReadQuota(item, name, ns));
                    break;
                case "LimitRange":
                    if (ReadLimitRange(item, name, ns) is { } limits)
                    {
                        Add(limitRanges, ns, limits);
                    }

                    break;
                default:
                    break;
            }
        }

        var byNamespace = quotas.Keys.Union(limitRanges.Keys).ToDictionary(
            ns => ns,
            ns => new NamespaceQuota(
                quotas.TryGetValue(ns, out var q) ? q : [],
                limitRanges.TryGetValue(ns, out var l) ? l : []),
            StringComparer.Ordinal);
        return new ClusterSnapshot(namespaces, byNamespace);
    }

    private static IEnumerable<JsonElement> Flatten(IEnumerable<JsonElement> objects)
    {
        foreach (var item in objects)
        {
            if (item.Child("kind"u8).AsString() is "List" or "ResourceQuotaList" or "LimitRangeList" or "NamespaceList"
                && item.Child("items"u8).ValueKind == JsonValueKind.Array)
            {
                foreach (var inner in item.Child("items"u8).EnumerateArray())
                {
                    yield return inner;
                }
            }
            else
            {
                yield return item;
            }
        }
    }

    private static void Add<T>(Dictionary<string, List<T>> map, string key, T value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }

    private static Dictionary<string, string> ReadLabels(JsonElement labels)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (labels.ValueKind == JsonValueKind.Object)
        {
            foreach (var label in labels.EnumerateObject())
            {
                result[label.Name] = label.Value.Display();
            }
        }

        return result;
    }

    private static ResourceQuotaState ReadQuota(JsonElement item, string name, string ns)
    {
        var spec = item.Child("spec"u8);
        var scopes = new List<string>();
        if (spec.Child("scopes"u8).ValueKind == JsonValueKind.Array)
        {
            scopes.AddRange(spec.Child("scopes"u8).EnumerateArray().Select(s => s.Display()));
        }

        return new ResourceQuotaState(
            name,
            ns,
            ReadQuantities(spec.Child("hard"u8), $"ResourceQuota {ns}/{name} spec.hard"),
            ReadQuantities(item.Child("status"u8).Child("used"u8), $"ResourceQuota {ns}/{name} status.used"),
            scopes,
            spec.Child("scopeSelector"u8).IsPresent());
    }

    private static LimitRangeDefaults? ReadLimitRange(JsonElement item, string name, string ns)
    {
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

            result[entry.Name] = quantity;
        }

        return result;
    }
}
