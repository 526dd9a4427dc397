using Guardrails.Webhook.Cluster.Api;

namespace Guardrails.Webhook.Provisioning;

/// <summary>Where Environments and the objects a plan holds live in the Kubernetes API.</summary>
public static class ProvisioningApi
{
    public const string FieldManager = "guardrails";
    public const string Finalizer = "guardrails.dev/cleanup";

    public static readonly ResourceType Environments = new("guardrails.dev", "v1alpha1", "environments", "Environment", false);

    private static readonly Dictionary<string, ResourceType> ByKind = new(StringComparer.Ordinal)
    {
        ["Namespace"] = ResourceType.Namespaces,
        ["ResourceQuota"] = ResourceType.ResourceQuotas,
        ["LimitRange"] = ResourceType.LimitRanges,
        ["ServiceAccount"] = new("", "v1", "serviceaccounts", "ServiceAccount", true),
        ["NetworkPolicy"] = new("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true),
        ["Role"] = new("rbac.authorization.k8s.io", "v1", "roles", "Role", true),
        ["RoleBinding"] = new("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true),
        ["Lease"] = new("coordination.k8s.io", "v1", "leases", "Lease", true),
    };

    public static ResourceType TypeOf(string kind) =>
        ByKind.TryGetValue(kind, out var type) ? type : throw new ArgumentException($"the planner produced a {kind}, which Guardrails does not know how to apply", nameof(kind));

    public static string PathOf(PlannedObject planned) => TypeOf(planned.Kind).ObjectPath(planned.Namespace, planned.Name);

    public static string EnvironmentPath(string name) => Environments.ObjectPath(null, name);
}
