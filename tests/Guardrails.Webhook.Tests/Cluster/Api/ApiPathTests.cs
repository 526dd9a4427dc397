using Guardrails.Webhook.Cluster.Api;

namespace Guardrails.Webhook.Tests.Cluster.Api;

/// <summary>Object paths taken apart into what KubernetesClient's generic-object calls ask for.</summary>
public sealed class ApiPathTests
{
    [Theory]
    [InlineData("/api/v1/namespaces/team-a", "", "v1", null, "namespaces", "team-a", null)]
    [InlineData("/api/v1/namespaces/team-a/status", "", "v1", null, "namespaces", "team-a", "status")]
    [InlineData("/api/v1/namespaces/team-a/resourcequotas/compute", "", "v1", "team-a", "resourcequotas", "compute", null)]
    [InlineData("/api/v1/namespaces/team-a/configmaps", "", "v1", "team-a", "configmaps", null, null)]
    [InlineData("/apis/guardrails.dev/v1alpha1/environments/team-a-web/status", "guardrails.dev", "v1alpha1", null, "environments", "team-a-web", "status")]
    [InlineData("/apis/coordination.k8s.io/v1/namespaces/guardrails/leases/guardrails-provisioner", "coordination.k8s.io", "v1", "guardrails", "leases", "guardrails-provisioner", null)]
    [InlineData("/apis/authentication.k8s.io/v1/tokenreviews", "authentication.k8s.io", "v1", null, "tokenreviews", null, null)]
    [InlineData("/apis/events.k8s.io/v1/namespaces/team-a/events", "events.k8s.io", "v1", "team-a", "events", null, null)]
    public void Paths_name_group_version_namespace_resource_name_and_subresource(
        string path, string group, string version, string? @namespace, string plural, string? name, string? subresource) =>
        ApiPath.Parse(path).ShouldBe(new ApiPath(group, version, @namespace, plural, name, subresource));

    [Theory]
    [InlineData("api/v1/namespaces")]
    [InlineData("/api/v1/namespaces?watch=true")]
    [InlineData("/healthz")]
    [InlineData("/apis/apps")]
    [InlineData("/api/v1/namespaces/a/pods/b/c/d")]
    public void What_is_not_an_object_path_is_an_argument_error(string path) =>
        Should.Throw<ArgumentException>(() => ApiPath.Parse(path)).Message.ShouldContain(path);
}
