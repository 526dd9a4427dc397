namespace Guardrails.Webhook.Cluster.Api;

/// <summary>Where a kind of object lives in the API: group, version, plural resource name and scope.</summary>
public sealed record ResourceType(string Group, string Version, string Plural, string Kind, bool Namespaced)
{
    public static readonly ResourceType Namespaces = new("", "v1", "namespaces", "Namespace", Namespaced: false);

    public static readonly ResourceType ResourceQuotas = new("", "v1", "resourcequotas", "ResourceQuota", Namespaced: true);

    public static readonly ResourceType LimitRanges = new("", "v1", "limitranges", "LimitRange", Namespaced: true);

    /// <summary>Guardrails' own CRD; a cluster without it installed has none (the list answers 404).</summary>
    public static readonly ResourceType PolicyExceptions = new("guardrails.dev", "v1alpha1", "policyexceptions", "PolicyException", Namespaced: true);

    /// <summary><c>/api/v1</c> for the core group, <c>/apis/{group}/{version}</c> for the others.</summary>
    public string ApiPrefix => Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";

    /// <summary>The <c>apiVersion</c> objects of this type carry.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The collection in one namespace, or across all namespaces (and for cluster-scoped types) when null.</summary>
    public string CollectionPath(string? @namespace = null)
    {
        if (@namespace is null)
        {
            return $"{ApiPrefix}/{Plural}";
        }

        if (!Namespaced)
        {
            throw new ArgumentException($"{Plural} are cluster-scoped; they have no namespace '{@namespace}'", nameof(@namespace));
        }

        return $"{ApiPrefix}/namespaces/{Uri.EscapeDataString(@namespace)}/{Plural}";
    }

    /// <summary>The path of one object, for get, apply and delete.</summary>
    public string ObjectPath(string? @namespace, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Namespaced && @namespace is null)
        {
            throw new ArgumentException($"{Plural} are namespaced; '{name}' needs a namespace", nameof(@namespace));
        }

        return $"{CollectionPath(@namespace)}/{Uri.EscapeDataString(name)}";
    }
}
