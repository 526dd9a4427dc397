using System.Text.Json.Nodes;

namespace Guardrails.Webhook.Provisioning;

/// <summary>The RBAC rules of an environment's three Roles.</summary>
internal static class RoleRules
{
    private static readonly string[] Read = ["get", "list", "watch"];
    private static readonly string[] Write = ["create", "update", "patch", "delete", "deletecollection"];

    /// <summary>
    /// Editors may replace secrets they cannot read. <c>patch</c> is left out on purpose: its response carries the
    /// whole stored Secret, keys not sent included, which would be reading by another name.
    /// </summary>
    private static readonly string[] SecretWrite = ["create", "update", "delete"];

    /// <summary>What viewers read: the namespace's workloads and their plumbing, never Secrets.</summary>
    private static readonly (string Group, string[] Resources)[] Readable =
    [
        ("", ["configmaps", "endpoints", "events", "limitranges", "persistentvolumeclaims", "pods", "replicationcontrollers", "resourcequotas", "serviceaccounts", "services"]),
        ("apps", ["daemonsets", "deployments", "replicasets", "statefulsets"]),
        ("autoscaling", ["horizontalpodautoscalers"]),
        ("batch", ["cronjobs", "jobs"]),
        ("discovery.k8s.io", ["endpointslices"]),
        ("networking.k8s.io", ["ingresses", "networkpolicies"]),
        ("policy", ["poddisruptionbudgets"]),
    ];

    /// <summary>
    /// What editors change. NetworkPolicies, quotas, limit ranges, service accounts and RBAC stay read-only: they are
    /// the environment's guardrails, which only admins (and Guardrails) may move.
    /// </summary>
    private static readonly (string Group, string[] Resources)[] Writable =
    [
        ("", ["configmaps", "persistentvolumeclaims", "pods", "services"]),
        ("apps", ["daemonsets", "deployments", "replicasets", "statefulsets"]),
        ("autoscaling", ["horizontalpodautoscalers"]),
        ("batch", ["cronjobs", "jobs"]),
        ("networking.k8s.io", ["ingresses"]),
    ];

    public static JsonArray Viewer() => [.. Readable.Select(r => Rule(r.Group, r.Resources, Read))];

    public static JsonArray Editor()
    {
        var rules = Viewer();
        foreach (var (group, resources) in Writable)
        {
            rules.Add(Rule(group, resources, Write));
        }

        rules.Add(Rule("", ["pods/log"], ["get"]));
        rules.Add(Rule("", ["pods/exec"], ["create"]));
        rules.Add(Rule("", ["secrets"], SecretWrite));
        rules.Add(Rule("apps", ["deployments/scale", "replicasets/scale", "statefulsets/scale"], ["get", "update", "patch"]));
        return rules;
    }

    public static JsonArray Admin() => [Rule("*", ["*"], ["*"])];

    private static JsonObject Rule(string group, string[] resources, string[] verbs) => new()
    {
        ["apiGroups"] = new JsonArray(JsonValue.Create(group)),
        ["resources"] = new JsonArray([.. resources.Select(r => JsonValue.Create(r))]),
        ["verbs"] = new JsonArray([.. verbs.Select(v => JsonValue.Create(v))]),
    };
}
