using Guardrails.Webhook.Cluster.Api;

namespace Guardrails.Webhook.Tests.Cluster.Api;

public sealed class ResourceTypeTests
{
    [Fact]
    public void Core_and_group_types_have_the_API_servers_paths()
    {
        ResourceType.Namespaces.ApiPrefix.ShouldBe("/api/v1");
        ResourceType.Namespaces.CollectionPath().ShouldBe("/api/v1/namespaces");
        ResourceType.Namespaces.ObjectPath(null, "team-a").ShouldBe("/api/v1/namespaces/team-a");
        ResourceType.ResourceQuotas.CollectionPath().ShouldBe("/api/v1/resourcequotas");
        ResourceType.ResourceQuotas.CollectionPath("team-a").ShouldBe("/api/v1/namespaces/team-a/resourcequotas");
        ResourceType.LimitRanges.ObjectPath("team-a", "defaults").ShouldBe("/api/v1/namespaces/team-a/limitranges/defaults");
        ResourceType.LimitRanges.ApiVersion.ShouldBe("v1");

        var policies = new ResourceType("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", Namespaced: true);
        policies.ApiPrefix.ShouldBe("/apis/networking.k8s.io/v1");
        policies.ApiVersion.ShouldBe("networking.k8s.io/v1");
        policies.CollectionPath("x").ShouldBe("/apis/networking.k8s.io/v1/namespaces/x/networkpolicies");
    }

    [Fact]
    public void Namespaces_where_they_cannot_be_are_argument_errors()
    {
        Should.Throw<ArgumentException>(() => ResourceType.Namespaces.CollectionPath("team-a")).Message.ShouldContain("cluster-scoped");
        Should.Throw<ArgumentException>(() => ResourceType.ResourceQuotas.ObjectPath(null, "q")).Message.ShouldContain("namespaced");
    }
}
