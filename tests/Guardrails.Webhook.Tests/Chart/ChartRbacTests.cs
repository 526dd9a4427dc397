using Guardrails.Webhook.Tests.Cluster;
using Guardrails.Webhook.Tests.Provisioning;
using Guardrails.Webhook.Tests.Support.FakeKube;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Webhook.Tests.Chart;

/// <summary>
/// The chart's RBAC against what Guardrails really asks the API server for: every call of a whole provisioning
/// lifecycle (REST door, Lease, watches, apply, TTL expiry, clean-up) recorded by the fake, turned into the permission
/// the apiserver would check, must be granted to the chart's service account.
/// </summary>
[Collection(ProvisioningLifecycleCollection.Name)]
public sealed class ChartRbacTests
{
    private const string ReleaseNamespace = ChartTemplate.ReleaseNamespace;

    [Fact]
    public async Task The_chart_grants_every_call_a_provisioning_lifecycle_makes()
    {
        var calls = await RecordLifecycleAsync();
        var grants = ChartGrants();

        var missing = calls.Select(Needed).SelectMany(n => n).Distinct().Where(n => !grants.Any(g => g.Allows(n))).ToList();

        calls.ShouldNotBeEmpty();
        missing.ShouldBeEmpty($"the chart's RBAC lacks: {string.Join("; ", missing)}");
    }

    [Fact]
    public void A_missing_grant_is_noticed()
    {
        var grants = ChartGrants();
        var call = new RecordedRequest("DELETE", "/apis/apps/v1/namespaces/team-a/deployments/web", "", null, null, "HTTP/2");

        Needed(call).ShouldAllBe(n => !grants.Any(g => g.Allows(n)));
    }

    private static async Task<IReadOnlyList<RecordedRequest>> RecordLifecycleAsync()
    {
        await using var harness = await ProvisioningHarness.StartAsync();
        var (status, body) = await harness.PostAsync(ProvisioningHarness.AliceToken, ProvisioningHarness.Spec(ttl: "2s"));
        status.ShouldBe(201, body.ToJsonString());
        await LiveStateHarness.EventuallyAsync(
            () => Task.FromResult(harness.Environment("team-a-dev") is null && harness.Api.Get("/api/v1/namespaces/team-a-dev") is null),
            "the ephemeral environment expired and was cleaned up");
        return harness.Api.RequestLog;
    }

    /// <summary>The permission checks a call meets: an apply that creates needs create as well as patch.</summary>
    private static IEnumerable<Permission> Needed(RecordedRequest call)
    {
        ResourcePath.TryParse(call.Path, out var target).ShouldBeTrue(call.Path);
        var group = target.Prefix.StartsWith("/apis/", StringComparison.Ordinal) ? target.Prefix.Split('/')[2] : "";
        var resource = target.Subresource is null ? target.Plural : $"{target.Plural}/{target.Subresource}";
        var ns = target.Plural == "namespaces" ? null : target.Namespace;
        var verb = call.Method switch
        {
            "GET" when target.Name is not null => "get",
            "GET" => call.IsWatch ? "watch" : "list",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => "delete",
            _ => throw new InvalidOperationException($"unexpected call {call}"),
        };
        yield return new Permission(group, resource, verb, ns);
        if (verb == "patch" && target.Subresource is null && call.Query.Contains("force=", StringComparison.Ordinal))
        {
            yield return new Permission(group, resource, "create", ns);
        }
    }

    private static List<Grant> ChartGrants()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(ChartTemplate.Render("rbac.yaml")));
        var documents = stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();

        string Text(YamlMappingNode node, params string[] path) =>
            path.Aggregate((YamlNode)node, (n, key) => ((YamlMappingNode)n)[key]) is YamlScalarNode scalar ? scalar.Value! : "";

        bool BoundToGuardrails(YamlMappingNode binding) => ((YamlSequenceNode)binding["subjects"]).Children.Cast<YamlMappingNode>()
            .Any(s => Text(s, "kind") == "ServiceAccount" && Text(s, "name") == "guardrails" && Text(s, "namespace") == ReleaseNamespace);

        var grants = new List<Grant>();
        foreach (var binding in documents.Where(d => Text(d, "kind") is "ClusterRoleBinding" or "RoleBinding").Where(BoundToGuardrails))
        {
            var scope = Text(binding, "kind") == "RoleBinding" ? Text(binding, "metadata", "namespace") : null;
            var role = documents.Single(d => Text(d, "kind") == Text(binding, "roleRef", "kind") && Text(d, "metadata", "name") == Text(binding, "roleRef", "name"));
            foreach (var rule in ((YamlSequenceNode)role["rules"]).Children.Cast<YamlMappingNode>())
            {
                static IReadOnlySet<string> Set(YamlMappingNode rule, string key) =>
                    ((YamlSequenceNode)rule[key]).Children.Cast<YamlScalarNode>().Select(s => s.Value!).ToHashSet(StringComparer.Ordinal);
                grants.Add(new Grant(Set(rule, "apiGroups"), Set(rule, "resources"), Set(rule, "verbs"), scope));
            }
        }

        grants.ShouldNotBeEmpty("the chart binds no role to its service account");
        return grants;
    }

    private sealed record Permission(string Group, string Resource, string Verb, string? Namespace)
    {
        public override string ToString() => $"{Verb} {(Group.Length == 0 ? "core" : Group)}/{Resource}{(Namespace is null ? "" : $" in {Namespace}")}";
    }

    /// <summary>One rule of a role bound to the service account; a Role's rules hold only in its own namespace.</summary>
    private sealed record Grant(IReadOnlySet<string> Groups, IReadOnlySet<string> Resources, IReadOnlySet<string> Verbs, string? OnlyIn)
    {
        public bool Allows(Permission need) =>
            Groups.Contains(need.Group)
            && Resources.Contains(need.Resource)
            && Verbs.Contains(need.Verb)
            && (OnlyIn is null || OnlyIn == need.Namespace);
    }
}
