using Guardrails.Webhook.Cluster.Api;
using Guardrails.Webhook.Hosting.Tls;
using Guardrails.Webhook.Tests.Hosting.Tls;
using Guardrails.Webhook.Tests.Support.FakeKube;
using Microsoft.Extensions.Logging;

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
        var serviceAccount = ServiceAccount(bed, "sa-token-1");
        using var env = new EnvironmentVariables()
            .Set(HostVariable, "127.0.0.1")
            .Set(PortVariable, bed.Server.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        KubernetesClientConfiguration.IsInCluster(serviceAccount).ShouldBeTrue();
        var config = KubernetesClientConfiguration.InClusterConfig(serviceAccount);

        config.Host.ShouldBe(new Uri($"https://127.0.0.1:{bed.Server.BaseAddress.Port}/"));
        config.TokenFile.ShouldBe(Path.Combine(serviceAccount, "token"));
        config.Namespace.ShouldBe("guardrails");
        config.SslCaCerts!.Single().Thumbprint.ShouldBe(bed.ServerCa.Thumbprint);
        config.SkipTlsVerify.ShouldBeFalse();
        var seen = await bed.ListNamespacesAsync(config);
        seen.User.ShouldBe("system:serviceaccount:guardrails:guardrails");
    }

    [Theory]
    [InlineData("fd00:10:96::1", "https://[fd00:10:96::1]:443/")]
    [InlineData("[fd00:10:96::1]", "https://[fd00:10:96::1]:443/")]
    [InlineData("10.96.0.1", "https://10.96.0.1:443/")]
    [InlineData("kubernetes.default.svc", "https://kubernetes.default.svc:443/")]
    public void Service_hosts_become_URLs_with_IPv6_bracketed(string host, string expected)
    {
        using var dir = new TempDirectory();
        using var ca = FakeKubePki.CreateCa("ca");
        WriteServiceAccount(dir.Path, ca, "token");
        using var env = new EnvironmentVariables().Set(HostVariable, host).Set(PortVariable, "443");

        KubernetesClientConfiguration.InClusterConfig(dir.Path).Host.ShouldBe(new Uri(expected));
    }

    [Fact]
    public void Outside_a_pod_IsInCluster_is_false_and_InClusterConfig_says_what_is_missing()
    {
        using var dir = new TempDirectory();
        using var ca = FakeKubePki.CreateCa("ca");
        using var env = new EnvironmentVariables().Set(HostVariable, null).Set(PortVariable, null);

        KubernetesClientConfiguration.IsInCluster(dir.Path).ShouldBeFalse();
        Should.Throw<KubeConfigException>(() => KubernetesClientConfiguration.InClusterConfig(dir.Path))
            .Message.ShouldStartWith("not running in a Kubernetes pod: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set");

        env.Set(HostVariable, "10.96.0.1").Set(PortVariable, "443");
        KubernetesClientConfiguration.IsInCluster(dir.Path).ShouldBeFalse();
        Should.Throw<KubeConfigException>(() => KubernetesClientConfiguration.InClusterConfig(dir.Path))
            .Message.ShouldStartWith($"{Path.Combine(dir.Path, "token")}: file not found");

        WriteServiceAccount(dir.Path, ca, "token");
        KubernetesClientConfiguration.IsInCluster(dir.Path).ShouldBeTrue();

        env.Set(PortVariable, "https");
        Should.Throw<KubeConfigException>(() => KubernetesClientConfiguration.InClusterConfig(dir.Path))
            .Message.ShouldBe("KUBERNETES_SERVICE_PORT='https' is not a TCP port");
    }

    [Fact]
    public async Task A_rotated_token_file_is_picked_up_after_the_recheck_interval_or_at_once_after_a_401()
    {
        await using var bed = await KubeTestBed.StartAsync(o =>
        {
            o.Tokens["sa-1"] = new FakeUser("sa", "generation-1");
            o.Tokens["sa-2"] = new FakeUser("sa-rotated");
            o.Tokens["sa-3"] = new FakeUser("sa-rotated-again");
        });
        var serviceAccount = ServiceAccount(bed, "sa-1");
        var tokenFile = Path.Combine(serviceAccount, "token");
        using var env = new EnvironmentVariables()
            .Set(HostVariable, "127.0.0.1")
            .Set(PortVariable, bed.Server.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var logger = new RecordingLogger();
        using var client = new Kubernetes(KubernetesClientConfiguration.InClusterConfig(serviceAccount), logger, clock);

        async Task<string?> CallerAsync()
        {
            using var document = await client.GetAsync("/api/v1/namespaces/default", TestContext.Current.CancellationToken);
            return bed.Server.RequestLog[^1].User;
        }

        (await CallerAsync()).ShouldBe("sa");

        // The kubelet swaps in a new token while the old one stays valid for a while.
        PemFiles.WriteAtomically(tokenFile, "sa-2\n", isPrivate: true);
        (await CallerAsync()).ShouldBe("sa", "the file is not looked at again within the recheck interval");
        clock.Advance(TimeSpan.FromSeconds(5));
        (await CallerAsync()).ShouldBe("sa-rotated");
        logger.Has(LogLevel.Information, "Bearer token changed in", tokenFile).ShouldBeTrue();

        // A token already revoked: the 401 makes the client look at the file at once and retry with what it finds.
        PemFiles.WriteAtomically(tokenFile, "sa-3", isPrivate: true);
        bed.Server.Tokens.TryRemove("sa-2", out _);
        bed.Server.ClearRequestLog();
        (await CallerAsync()).ShouldBe("sa-rotated-again");
        bed.Server.RequestLog.Select(r => r.User).ShouldBe([null, "sa-rotated-again"]);
    }

    [Fact]
    public async Task An_unreadable_token_file_keeps_the_last_good_token()
    {
        await using var bed = await KubeTestBed.StartAsync(o => o.Tokens["sa-1"] = new FakeUser("sa"));
        var serviceAccount = ServiceAccount(bed, "sa-1");
        using var env = new EnvironmentVariables().Set(HostVariable, "127.0.0.1").Set(PortVariable, bed.Server.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var logger = new RecordingLogger();
        using var client = new Kubernetes(KubernetesClientConfiguration.InClusterConfig(serviceAccount), logger, clock);
        File.Delete(Path.Combine(serviceAccount, "token"));
        clock.Advance(TimeSpan.FromSeconds(10));

        using var document = await client.GetAsync("/api/v1/namespaces/default", TestContext.Current.CancellationToken);

        bed.Server.RequestLog[^1].User.ShouldBe("sa");
        logger.Has(LogLevel.Warning, "Cannot re-read the token file").ShouldBeTrue();
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

        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile();

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
