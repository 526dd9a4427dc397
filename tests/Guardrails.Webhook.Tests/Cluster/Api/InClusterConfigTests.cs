using Guardrails.Webhook.Cluster.Api;
using Guardrails.Webhook.Tests.Hosting.Tls;
using Guardrails.Webhook.Tests.Support.FakeKube;

namespace Guardrails.Webhook.Tests.Cluster.Api;

[Collection(KubeEnvironmentCollection.Name)]
public sealed class InClusterConfigTests
{
    private const string HostVariable = "KUBERNETES_SERVICE_HOST";
    private const string PortVariable = "KUBERNETES_SERVICE_PORT";

    [Fact]
    public async Task The_service_account_files_and_service_variables_reach_the_API_as_the_service_account()
    {
        await using var bed = await KubeTestBed.StartAsync(o => o.Tokens["sa-token-1"] = new FakeUser("system:serviceaccount:guardrails:guardrails"));
        using var serviceAccount = new ServiceAccountDirectory(ServiceAccount(bed, "sa-token-1"));
        using var env = new EnvironmentVariables()
            .Set(HostVariable, "127.0.0.1")
            .Set(PortVariable, bed.Server.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        k8s.KubernetesClientConfiguration.IsInCluster().ShouldBeTrue();
        var config = ClusterConfiguration.InCluster();

        new Uri(config.Host).ShouldBe(new Uri($"https://127.0.0.1:{bed.Server.BaseAddress.Port}/"));
        config.Namespace.ShouldBe("guardrails");
        config.SslCaCerts!.Single().Thumbprint.ShouldBe(bed.ServerCa.Thumbprint);
        config.SkipTlsVerify.ShouldBeFalse();

        // The token is read from the file as requests go (the library re-reads it every minute as the kubelet rotates it), not copied at start.
        config.AccessToken.ShouldBeNull();
        config.TokenProvider.ShouldBeOfType<k8s.Authentication.TokenFileAuth>();
        var seen = await bed.ListNamespacesAsync(config);
        seen.User.ShouldBe("system:serviceaccount:guardrails:guardrails");
    }

    [Theory]
    [InlineData("fd00:10:96::1", "https://[fd00:10:96::1]:443/")]
    [InlineData("10.96.0.1", "https://10.96.0.1:443/")]
    [InlineData("kubernetes.default.svc", "https://kubernetes.default.svc:443/")]
    public void Service_hosts_become_URLs_with_IPv6_bracketed(string host, string expected)
    {
        using var dir = new TempDirectory();
        using var ca = FakeKubePki.CreateCa("ca");
        WriteServiceAccount(dir.Path, ca, "token");
        using var serviceAccount = new ServiceAccountDirectory(dir.Path);
        using var env = new EnvironmentVariables().Set(HostVariable, host).Set(PortVariable, "443");

        new Uri(ClusterConfiguration.InCluster().Host).ShouldBe(new Uri(expected));
    }

    [Fact]
    public void Outside_a_pod_IsInCluster_is_false_and_InClusterConfig_says_what_is_missing()
    {
        using var dir = new TempDirectory();
        using var ca = FakeKubePki.CreateCa("ca");
        using var serviceAccount = new ServiceAccountDirectory(dir.Path);
        using var env = new EnvironmentVariables().Set(HostVariable, null).Set(PortVariable, null);

        k8s.KubernetesClientConfiguration.IsInCluster().ShouldBeFalse();
        Should.Throw<KubeConfigException>(ClusterConfiguration.InCluster)
            .Message.ShouldStartWith("not running in a Kubernetes pod with a service account: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set");

        env.Set(HostVariable, "10.96.0.1").Set(PortVariable, "443");
        k8s.KubernetesClientConfiguration.IsInCluster().ShouldBeFalse("there is no token file");
        Should.Throw<KubeConfigException>(ClusterConfiguration.InCluster).Message.ShouldContain("must hold token and ca.crt");

        WriteServiceAccount(dir.Path, ca, "token");
        k8s.KubernetesClientConfiguration.IsInCluster().ShouldBeTrue();
    }

    [Fact]
    public async Task KUBECONFIG_with_several_entries_uses_the_first()
    {
        await using var bed = await KubeTestBed.StartAsync();
        var first = bed.Write("first/config", $$$"""
            clusters:
            - {name: test, cluster: {server: "{{{bed.ServerUrl}}}", certificate-authority-data: {{{KubeTestBed.Base64(bed.ServerCaPem)}}}}}
            users:
            - {name: bob, user: {token: {{{KubeTestBed.BobToken}}}}}
            contexts:
            - {name: first, context: {cluster: test, user: bob}}
            current-context: first
            """);
        using var env = new EnvironmentVariables().Set("KUBECONFIG", string.Join(Path.PathSeparator, first, bed.Directory.Combine("second", "config")));

        var config = ClusterConfiguration.FromKubeconfig();

        config.CurrentContext.ShouldBe("first");
        (await bed.ListNamespacesAsync(config)).User.ShouldBe("bob");
    }

    private static string ServiceAccount(KubeTestBed bed, string token)
    {
        var dir = bed.Directory.Combine("serviceaccount");
        Directory.CreateDirectory(dir);
        WriteServiceAccount(dir, bed.ServerCa, token);
        return dir;
    }

    private static void WriteServiceAccount(string dir, System.Security.Cryptography.X509Certificates.X509Certificate2 ca, string token)
    {
        File.WriteAllText(Path.Combine(dir, "token"), token);
        File.WriteAllText(Path.Combine(dir, "ca.crt"), FakeKubePki.CertPem(ca));
        File.WriteAllText(Path.Combine(dir, "namespace"), "guardrails");
    }
}
