using System.Diagnostics;
using System.Text.Json.Nodes;
using Guardrails.Policies.Quantities;
using Guardrails.Webhook.Provisioning;

namespace Guardrails.Webhook.Tests.Provisioning;

public sealed class EnvironmentPlannerTests
{
    private static readonly PlatformSettings Settings = ProvisioningFixtures.Settings();

    private static readonly EnvironmentMembers Members = new(
        new RoleMembers([], ["auditors"]),
        new RoleMembers(["dev@example.com"], ["team-a-devs"]),
        RoleMembers.None);

    private static EnvironmentPlan Plan(EnvironmentRequest? request = null) =>
        EnvironmentPlanner.Plan(request ?? ProvisioningFixtures.Request(members: Members), Settings);

    private static JsonObject Get(EnvironmentPlan plan, string kind, string name) =>
        plan.Find(kind, name).ShouldNotBeNull($"{kind} {name} planned").ToJsonObject();

    private static List<(string[] Groups, string[] Resources, string[] Verbs)> Rules(JsonObject role) =>
        [.. role["rules"]!.AsArray().Select(r => (Strings(r!["apiGroups"]), Strings(r!["resources"]), Strings(r!["verbs"])))];

    private static string[] Strings(JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<string>())];

    /// <summary>Whether any rule grants the verb on the resource in the group, as RBAC decides (wildcards included).</summary>
    private static bool Allows(JsonObject role, string group, string resource, string verb) =>
        Rules(role).Any(r =>
            (r.Groups.Contains(group) || r.Groups.Contains("*"))
            && (r.Resources.Contains(resource) || r.Resources.Contains("*"))
            && (r.Verbs.Contains(verb) || r.Verbs.Contains("*")));

    [Fact]
    public void Plans_the_objects_in_apply_order()
    {
        var plan = Plan();

        plan.Namespace.ShouldBe("team-a-web");
        plan.Objects.Select(o => $"{o.ApiVersion} {o.Kind} {o.Name}").ShouldBe(
        [
            "v1 Namespace team-a-web",
            "v1 ResourceQuota default-resourcequota",
            "v1 LimitRange default-limitrange",
            "networking.k8s.io/v1 NetworkPolicy default",
            "rbac.authorization.k8s.io/v1 Role viewer",
            "rbac.authorization.k8s.io/v1 Role editor",
            "rbac.authorization.k8s.io/v1 Role admin",
            "rbac.authorization.k8s.io/v1 RoleBinding viewer",
            "rbac.authorization.k8s.io/v1 RoleBinding editor",
            "rbac.authorization.k8s.io/v1 RoleBinding admin",
            "v1 ServiceAccount deployer",
            "rbac.authorization.k8s.io/v1 RoleBinding deployer",
        ]);
        plan.Objects[0].Namespace.ShouldBeNull();
        plan.Objects.Skip(1).ShouldAllBe(o => o.Namespace == "team-a-web");
    }

    [Fact]
    public void Every_object_is_labelled_managed_by_guardrails_and_annotated_with_its_environment()
    {
        foreach (var obj in Plan().Objects)
        {
            var metadata = obj.ToJsonObject()["metadata"]!;
            metadata["labels"]![ProvisioningLabels.ManagedBy]!.GetValue<string>().ShouldBe("guardrails", obj.DisplayName);
            metadata["labels"]![ProvisioningLabels.Environment]!.GetValue<string>().ShouldBe("team-a-web", obj.DisplayName);
            metadata["annotations"]![ProvisioningLabels.Environment]!.GetValue<string>().ShouldBe("team-a-web", obj.DisplayName);
        }
    }

    [Theory]
    [InlineData("dev", "baseline")]
    [InlineData("staging", "restricted")]
    [InlineData("prod", "restricted")]
    public void The_namespace_carries_team_tier_environment_and_the_tiers_pod_security_level(string tier, string level)
    {
        var ns = Get(Plan(ProvisioningFixtures.Request(tier: tier)), "Namespace", "team-a-web");

        var labels = ns["metadata"]!["labels"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        labels.ShouldBe(new Dictionary<string, string>
        {
            ["app.kubernetes.io/managed-by"] = "guardrails",
            ["guardrails.dev/environment"] = "team-a-web",
            ["guardrails.dev/team"] = "team-a",
            ["guardrails.dev/tier"] = tier,
            ["pod-security.kubernetes.io/enforce"] = level,
            ["pod-security.kubernetes.io/enforce-version"] = "latest",
        });
    }

    [Fact]
    public void The_quota_holds_the_requested_size_as_requests_and_limits_plus_storage_pods_and_tier_extras()
    {
        var quota = Get(Plan(ProvisioningFixtures.Request(tier: "prod", cpu: "2500m", memory: "6Gi", storage: "50Gi", pods: "20")), "ResourceQuota", "default-resourcequota");

        var hard = quota["spec"]!["hard"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        hard.ShouldBe(new Dictionary<string, string>
        {
            ["requests.cpu"] = "2500m",
            ["requests.memory"] = "6Gi",
            ["limits.cpu"] = "2500m",
            ["limits.memory"] = "6Gi",
            ["requests.storage"] = "50Gi",
            ["pods"] = "20",
            ["services.nodeports"] = "0",
            ["count/secrets"] = "100",
        });
    }

    [Fact]
    public void Storage_and_pods_are_left_out_of_the_quota_when_not_asked_for()
    {
        var quota = Get(Plan(ProvisioningFixtures.Request()), "ResourceQuota", "default-resourcequota");

        quota["spec"]!["hard"]!.AsObject().Select(p => p.Key).ShouldBe(["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"]);
    }

    [Fact]
    public void The_limit_range_holds_the_tiers_container_defaults()
    {
        var limitRange = Get(Plan(ProvisioningFixtures.Request(tier: "prod")), "LimitRange", "default-limitrange");

        var item = limitRange["spec"]!["limits"]!.AsArray().ShouldHaveSingleItem()!;
        item["type"]!.GetValue<string>().ShouldBe("Container");
        Quantity.Parse(item["default"]!["cpu"]!.GetValue<string>()).ShouldBe(Quantity.Parse("1"));
        Quantity.Parse(item["default"]!["memory"]!.GetValue<string>()).ShouldBe(Quantity.Parse("2Gi"));
        Quantity.Parse(item["defaultRequest"]!["cpu"]!.GetValue<string>()).ShouldBe(Quantity.Parse("500m"));
        Quantity.Parse(item["defaultRequest"]!["memory"]!.GetValue<string>()).ShouldBe(Quantity.Parse("1Gi"));
    }

    [Fact]
    public void The_network_policy_admits_only_the_environments_own_pods_and_the_tiers_namespaces()
    {
        var policy = Get(Plan(), "NetworkPolicy", "default");

        JsonNode.DeepEquals(policy["spec"], JsonNode.Parse("""
            {
              "podSelector": {},
              "policyTypes": ["Ingress"],
              "ingress": [{ "from": [
                { "podSelector": {} },
                { "namespaceSelector": { "matchExpressions": [
                  { "key": "kubernetes.io/metadata.name", "operator": "In", "values": ["ingress-nginx", "monitoring"] }
                ] } }
              ] }]
            }
            """)).ShouldBeTrue(policy["spec"]!.ToJsonString());
    }

    [Fact]
    public void Without_allowed_namespaces_only_the_environments_own_pods_get_in()
    {
        var policy = Get(Plan(ProvisioningFixtures.Request(tier: "staging")), "NetworkPolicy", "default");

        policy["spec"]!["ingress"]!.ToJsonString().ShouldBe("""[{"from":[{"podSelector":{}}]}]""");
    }

    [Fact]
    public void Viewers_read_workloads_but_never_secrets()
    {
        var viewer = Get(Plan(), "Role", "viewer");

        Allows(viewer, "apps", "deployments", "list").ShouldBeTrue();
        Allows(viewer, "", "pods", "watch").ShouldBeTrue();
        Allows(viewer, "", "secrets", "get").ShouldBeFalse();
        Allows(viewer, "", "secrets", "list").ShouldBeFalse();
        Allows(viewer, "apps", "deployments", "create").ShouldBeFalse();
        Rules(viewer).SelectMany(r => r.Verbs).Distinct().Order(StringComparer.Ordinal).ShouldBe(["get", "list", "watch"]);
    }

    [Fact]
    public void Editors_run_workloads_and_write_secrets_they_cannot_read()
    {
        var editor = Get(Plan(), "Role", "editor");

        foreach (var (group, resource) in new[] { ("", "pods"), ("apps", "deployments"), ("apps", "statefulsets"), ("apps", "daemonsets"), ("apps", "replicasets"), ("batch", "jobs"), ("batch", "cronjobs"), ("", "configmaps"), ("", "services"), ("", "persistentvolumeclaims"), ("autoscaling", "horizontalpodautoscalers"), ("networking.k8s.io", "ingresses") })
        {
            foreach (var verb in new[] { "get", "list", "watch", "create", "update", "patch", "delete" })
            {
                Allows(editor, group, resource, verb).ShouldBeTrue($"{verb} {group}/{resource}");
            }
        }

        Allows(editor, "", "secrets", "create").ShouldBeTrue();
        Allows(editor, "", "secrets", "update").ShouldBeTrue();
        Allows(editor, "", "secrets", "delete").ShouldBeTrue();
        foreach (var verb in new[] { "get", "list", "watch", "patch" })
        {
            Allows(editor, "", "secrets", verb).ShouldBeFalse(verb);
        }

        Allows(editor, "", "pods/log", "get").ShouldBeTrue();
        Allows(editor, "", "pods/exec", "create").ShouldBeTrue();
        Allows(editor, "networking.k8s.io", "networkpolicies", "list").ShouldBeTrue();
        Allows(editor, "networking.k8s.io", "networkpolicies", "delete").ShouldBeFalse();
        Allows(editor, "", "resourcequotas", "update").ShouldBeFalse();
        Allows(editor, "rbac.authorization.k8s.io", "rolebindings", "create").ShouldBeFalse();
        Rules(editor).ShouldAllBe(r => !r.Groups.Contains("*") && !r.Resources.Contains("*") && !r.Verbs.Contains("*"));
    }

    [Fact]
    public void Admins_hold_every_verb_on_everything_in_the_namespace_including_rbac()
    {
        var admin = Get(Plan(), "Role", "admin");

        var rule = Rules(admin).ShouldHaveSingleItem();
        rule.Groups.ShouldBe(["*"]);
        rule.Resources.ShouldBe(["*"]);
        rule.Verbs.ShouldBe(["*"]);
        Allows(admin, "rbac.authorization.k8s.io", "rolebindings", "create").ShouldBeTrue();
        Allows(admin, "", "secrets", "get").ShouldBeTrue();
    }

    [Fact]
    public void Members_are_bound_as_users_and_groups_and_a_role_without_members_gets_a_binding_without_subjects()
    {
        var plan = Plan();

        // Applying the empty binding is what takes access away from the last member removed from a role.
        Get(plan, "RoleBinding", "admin")["subjects"]!.AsArray().ShouldBeEmpty();
        var editor = Get(plan, "RoleBinding", "editor");
        editor["roleRef"]!.ToJsonString().ShouldBe("""{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"editor"}""");
        editor["subjects"]!.ToJsonString().ShouldBe(
            """[{"kind":"User","name":"dev@example.com","apiGroup":"rbac.authorization.k8s.io"},{"kind":"Group","name":"team-a-devs","apiGroup":"rbac.authorization.k8s.io"}]""");
        Get(plan, "RoleBinding", "viewer")["subjects"]!.ToJsonString().ShouldBe(
            """[{"kind":"Group","name":"auditors","apiGroup":"rbac.authorization.k8s.io"}]""");
    }

    [Fact]
    public void The_deployer_service_account_is_bound_to_editor()
    {
        var plan = Plan(ProvisioningFixtures.Request());

        plan.Objects.Where(o => o.Kind == "RoleBinding").Select(o => o.Name).ShouldBe(["viewer", "editor", "admin", "deployer"]);
        Get(plan, "ServiceAccount", "deployer")["automountServiceAccountToken"]!.GetValue<bool>().ShouldBeFalse();
        var binding = Get(plan, "RoleBinding", "deployer");
        binding["roleRef"]!["name"]!.GetValue<string>().ShouldBe("editor");
        binding["subjects"]!.ToJsonString().ShouldBe("""[{"kind":"ServiceAccount","name":"deployer","namespace":"team-a-web"}]""");
    }

    [Fact]
    public void Planned_objects_are_copies_callers_cannot_change()
    {
        var plan = Plan();
        var copy = plan.Objects[0].ToJsonObject();
        copy["metadata"]!["name"] = "changed";

        plan.Objects[0].Name.ShouldBe("team-a-web");
        plan.Objects[0].ToJsonObject()["metadata"]!["name"]!.GetValue<string>().ShouldBe("team-a-web");
    }

    [Fact]
    public void An_unknown_tier_cannot_be_planned()
    {
        Should.Throw<ArgumentException>(() => Plan(ProvisioningFixtures.Request(tier: "qa"))).Message.ShouldContain("tier 'qa'");
    }

    [Fact]
    public void Kubectl_decodes_every_planned_object()
    {
        var kubectl = Environment.GetEnvironmentVariable("PATH")?.Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "kubectl"))
            .FirstOrDefault(File.Exists);
        if (kubectl is null)
        {
            Assert.Skip("kubectl is not on PATH");
        }

        var plan = Plan(ProvisioningFixtures.Request(tier: "prod", storage: "50Gi", pods: "20", members: Members));
        var list = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "List",
            ["items"] = new JsonArray([.. plan.Objects.Select(o => (JsonNode)o.ToJsonObject())]),
        };
        var file = Path.Combine(Path.GetTempPath(), $"guardrails-plan-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, list.ToJsonString());
        try
        {
            using var process = Process.Start(new ProcessStartInfo(kubectl, ["annotate", "--local", "-f", file, "guardrails.dev/checked=true", "-o", "name"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();

            process.ExitCode.ShouldBe(0, error);
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(plan.Objects.Count);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
