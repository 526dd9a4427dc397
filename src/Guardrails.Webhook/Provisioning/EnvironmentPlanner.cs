using System.Text.Json.Nodes;
using Guardrails.Policies.Quantities;

namespace Guardrails.Webhook.Provisioning;

/// <summary>Turns a request and the platform settings into the concrete objects of an environment. Pure: no clock, no cluster.</summary>
public static class EnvironmentPlanner
{
    public const string QuotaName = "default-resourcequota";
    public const string LimitRangeName = "default-limitrange";
    public const string NetworkPolicyName = "default";
    public const string ViewerRole = "viewer";
    public const string EditorRole = "editor";
    public const string AdminRole = "admin";
    public const string DeployerName = "deployer";

    private const string RbacGroup = "rbac.authorization.k8s.io";

    /// <summary>
    /// Namespace, ResourceQuota, LimitRange, NetworkPolicy, the viewer/editor/admin Roles, a RoleBinding per role (its
    /// members, possibly none), and the <c>deployer</c> ServiceAccount bound to <c>editor</c>; in that order.
    /// </summary>
    /// <exception cref="ArgumentException">The request's tier is not in <paramref name="settings"/> (the pre-check reports this instead of throwing).</exception>
    public static EnvironmentPlan Plan(EnvironmentRequest request, PlatformSettings settings)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.Tiers.TryGetValue(request.Tier, out var tier))
        {
            throw new ArgumentException($"tier '{request.Tier}' is not in the platform settings", nameof(request));
        }

        var ns = request.Namespace;
        var objects = new List<JsonObject>
        {
            Namespace(request, tier),
            Quota(request, tier),
            LimitRange(request, tier),
            NetworkPolicy(request, tier),
            Role(request, ViewerRole, RoleRules.Viewer()),
            Role(request, EditorRole, RoleRules.Editor()),
            Role(request, AdminRole, RoleRules.Admin()),
        };

        // Every role gets its binding, with no subjects when it has no members: a binding left out of the plan once its
        // last member is removed would stay in the cluster, still granting what that member was meant to lose.
        foreach (var (role, members) in new[] { (ViewerRole, request.Members.Viewers), (EditorRole, request.Members.Editors), (AdminRole, request.Members.Admins) })
        {
            objects.Add(Binding(request, role, role, MemberSubjects(members)));
        }

        objects.Add(Object("v1", "ServiceAccount", DeployerName, request, extra: o => o["automountServiceAccountToken"] = false));
        objects.Add(Binding(request, DeployerName, EditorRole, [new JsonObject { ["kind"] = "ServiceAccount", ["name"] = DeployerName, ["namespace"] = ns }]));
        return new EnvironmentPlan(ns, [.. objects.Select(o => new PlannedObject(o))]);
    }

    private static JsonObject Namespace(EnvironmentRequest request, TierSettings tier)
    {
        var obj = Object("v1", "Namespace", request.Namespace, request, clusterScoped: true);
        var labels = obj["metadata"]!["labels"]!.AsObject();
        labels[ProvisioningLabels.Team] = request.Team;
        labels[ProvisioningLabels.Tier] = request.Tier;
        // Validated settings always name a level; settings built in code without one get the strictest.
        labels[ProvisioningLabels.PodSecurityEnforce] = tier.PodSecurity ?? "restricted";
        labels[ProvisioningLabels.PodSecurityEnforceVersion] = "latest";
        return obj;
    }

    /// <summary>Requests equal limits: the environment's size is what it may use, not what it may burst to.</summary>
    private static JsonObject Quota(EnvironmentRequest request, TierSettings tier)
    {
        var hard = new JsonObject();
        var resources = request.Resources;
        Put(hard, "requests.cpu", resources.Cpu);
        Put(hard, "requests.memory", resources.Memory);
        Put(hard, "limits.cpu", resources.Cpu);
        Put(hard, "limits.memory", resources.Memory);
        Put(hard, "requests.storage", resources.Storage);
        Put(hard, "pods", resources.Pods);
        foreach (var (resource, value) in tier.QuotaHard)
        {
            hard[resource] = value.ToString();
        }

        return Object("v1", "ResourceQuota", QuotaName, request, spec: new JsonObject { ["hard"] = hard });
    }

    private static JsonObject LimitRange(EnvironmentRequest request, TierSettings tier)
    {
        var item = new JsonObject();
        if (!tier.DefaultLimits.IsEmpty)
        {
            item["default"] = Resources(tier.DefaultLimits);
        }

        if (!tier.DefaultRequests.IsEmpty)
        {
            item["defaultRequest"] = Resources(tier.DefaultRequests);
        }

        item["type"] = "Container";
        return Object("v1", "LimitRange", LimitRangeName, request, spec: new JsonObject { ["limits"] = new JsonArray(item) });
    }

    /// <summary>Ingress is denied except from the environment's own pods and the tier's named namespaces; egress is left open.</summary>
    private static JsonObject NetworkPolicy(EnvironmentRequest request, TierSettings tier)
    {
        var from = new JsonArray(new JsonObject { ["podSelector"] = new JsonObject() });
        if (tier.AllowFromNamespaces.Count > 0)
        {
            from.Add(new JsonObject
            {
                ["namespaceSelector"] = new JsonObject
                {
                    ["matchExpressions"] = new JsonArray(new JsonObject
                    {
                        ["key"] = "kubernetes.io/metadata.name",
                        ["operator"] = "In",
                        ["values"] = new JsonArray([.. tier.AllowFromNamespaces.Select(n => JsonValue.Create(n))]),
                    }),
                },
            });
        }

        return Object("networking.k8s.io/v1", "NetworkPolicy", NetworkPolicyName, request, spec: new JsonObject
        {
            ["podSelector"] = new JsonObject(),
            ["policyTypes"] = new JsonArray("Ingress"),
            ["ingress"] = new JsonArray(new JsonObject { ["from"] = from }),
        });
    }

    private static JsonObject Role(EnvironmentRequest request, string name, JsonArray rules) =>
        Object($"{RbacGroup}/v1", "Role", name, request, extra: o => o["rules"] = rules);

    private static JsonObject Binding(EnvironmentRequest request, string name, string role, JsonArray subjects) =>
        Object($"{RbacGroup}/v1", "RoleBinding", name, request, extra: o =>
        {
            o["roleRef"] = new JsonObject { ["apiGroup"] = RbacGroup, ["kind"] = "Role", ["name"] = role };
            o["subjects"] = subjects;
        });

    private static JsonArray MemberSubjects(RoleMembers members)
    {
        var subjects = new JsonArray();
        foreach (var user in members.Users)
        {
            subjects.Add(new JsonObject { ["kind"] = "User", ["name"] = user, ["apiGroup"] = RbacGroup });
        }

        foreach (var group in members.Groups)
        {
            subjects.Add(new JsonObject { ["kind"] = "Group", ["name"] = group, ["apiGroup"] = RbacGroup });
        }

        return subjects;
    }

    private static JsonObject Object(
        string apiVersion,
        string kind,
        string name,
        EnvironmentRequest request,
        bool clusterScoped = false,
        JsonObject? spec = null,
        Action<JsonObject>? extra = null)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (!clusterScoped)
        {
            metadata["namespace"] = request.Namespace;
        }

        metadata["labels"] = new JsonObject
        {
            [ProvisioningLabels.ManagedBy] = ProvisioningLabels.ManagedByValue,
            [ProvisioningLabels.Environment] = request.Namespace,
        };
        metadata["annotations"] = new JsonObject { [ProvisioningLabels.Environment] = request.Namespace };
        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = metadata };
        if (spec is not null)
        {
            obj["spec"] = spec;
        }

        extra?.Invoke(obj);
        return obj;
    }

    private static void Put(JsonObject map, string key, Quantity? value)
    {
        if (value is { } quantity)
        {
            map[key] = quantity.ToString();
        }
    }

    private static JsonObject Resources(ContainerDefaults defaults)
    {
        var map = new JsonObject();
        foreach (var (resource, value) in defaults.Entries())
        {
            map[resource] = value.ToString();
        }

        return map;
    }
}
