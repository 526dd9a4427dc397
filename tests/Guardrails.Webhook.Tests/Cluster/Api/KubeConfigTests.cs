using System.Net.Http;
using System.Security.Authentication;
using Guardrails.Webhook.Cluster.Api;
using Guardrails.Webhook.Tests.Support.FakeKube;

namespace Guardrails.Webhook.Tests.Cluster.Api;

/// <summary>Working kubeconfigs of every supported shape, each proven by a real list over TLS against the fake.</summary>
public sealed class KubeConfigTests
{
    [Fact]
    public async Task A_token_kubeconfig_with_a_CA_file_lists_as_the_token_user()
    {
        await using var bed = await KubeTestBed.StartAsync();
        bed.Write("pki/ca.crt", bed.ServerCaPem);
        var path = bed.Write("config", $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: test
              cluster:
                server: {{bed.ServerUrl}}
                certificate-authority: pki/ca.crt
            users:
            - name: bob
              user:
                token: {{KubeTestBed.BobToken}}
            contexts:
            - name: dev
              context:
                cluster: test
                user: bob
                namespace: team-a
            current-context: dev
            """);

        var config = ClusterConfiguration.FromKubeconfig(path);

        config.Host.ShouldBe(bed.ServerUrl);
        config.AccessToken.ShouldBe(KubeTestBed.BobToken);
        config.TokenProvider.ShouldBeNull();
        config.ClientCertificateData.ShouldBeNull();
        config.ClientCertificateFilePath.ShouldBeNull();
        config.SkipTlsVerify.ShouldBeFalse();
        config.SslCaCerts!.Single().Thumbprint.ShouldBe(bed.ServerCa.Thumbprint);
        config.Namespace.ShouldBe("team-a");
        config.CurrentContext.ShouldBe("dev");

        var seen = await bed.ListNamespacesAsync(config);
        seen.User.ShouldBe("bob");
        seen.AuthenticatedBy.ShouldBe("token");
        seen.Method.ShouldBe("GET");
        seen.Protocol.ShouldBe("HTTP/2", "HTTP/2 is preferred, so watches share connections");
    }

    [Fact]
    public async Task A_tokenFile_relative_to_the_kubeconfig_is_read_and_wins_over_token()
    {
        await using var bed = await KubeTestBed.StartAsync();
        var tokenFile = bed.Write("creds/carol.token", KubeTestBed.CarolToken + "\n");
        var path = bed.Write("kube/config", $$"""
            clusters:
            - name: test
              cluster:
                server: {{bed.ServerUrl}}
                certificate-authority-data: {{KubeTestBed.Base64(bed.ServerCaPem)}}
            users:
            - name: carol
              user:
                token: {{KubeTestBed.BobToken}}
                tokenFile: ../creds/carol.token
            contexts:
            - name: dev
              context: {cluster: test, user: carol}
            current-context: dev
            """);

        var config = ClusterConfiguration.FromKubeconfig(path);

        config.TokenProvider.ShouldBeOfType<k8s.Authentication.TokenFileAuth>();
        File.Exists(tokenFile).ShouldBeTrue();
        var seen = await bed.ListNamespacesAsync(config);
        seen.User.ShouldBe("carol");
        seen.AuthenticatedBy.ShouldBe("token");
    }

    [Theory]
    [InlineData(false, true, false)]
    [InlineData(false, false, false)]
    [InlineData(true, true, false)]
    [InlineData(true, false, false)]
    [InlineData(false, true, true)]
    [InlineData(false, false, true)]
    [InlineData(true, true, true)]
    [InlineData(true, false, true)]
    public async Task A_client_certificate_kubeconfig_lists_as_the_certificate_user(bool rsa, bool pkcs8, bool inline)
    {
        await using var bed = await KubeTestBed.StartAsync();
        using var alice = bed.IssueClient("alice", ["platform", "system:masters"], rsa);
        var certPem = FakeKubePki.CertPem(alice);
        var keyPem = FakeKubePki.KeyPem(alice, pkcs8);
        keyPem.ShouldContain(pkcs8 ? "BEGIN PRIVATE KEY" : rsa ? "BEGIN RSA PRIVATE KEY" : "BEGIN EC PRIVATE KEY");
        string credentials;
        if (inline)
        {
            credentials = $"""
                    client-certificate-data: {KubeTestBed.Base64(certPem)}
                    client-key-data: {KubeTestBed.Base64(keyPem)}
                """;
        }
        else
        {
            bed.Write("pki/alice.crt", certPem);
            bed.Write("pki/alice.key", keyPem);
            credentials = """
                    client-certificate: pki/alice.crt
                    client-key: pki/alice.key
                """;
        }

        bed.Write("pki/ca.crt", bed.ServerCaPem);
        var path = bed.Write("config", $$"""
            clusters:
            - name: test
              cluster:
                server: {{bed.ServerUrl}}
                certificate-authority: pki/ca.crt
            users:
            - name: alice
              user:
            {{credentials}}
            contexts:
            - name: admin
              context: {cluster: test, user: alice}
            current-context: admin
            """);

        var config = ClusterConfiguration.FromKubeconfig(path);

        (config.ClientCertificateData ?? config.ClientCertificateFilePath).ShouldNotBeNull();
        (config.ClientCertificateKeyData ?? config.ClientKeyFilePath).ShouldNotBeNull();

        config.AccessToken.ShouldBeNull();
        var seen = await bed.ListNamespacesAsync(config);
        seen.User.ShouldBe("alice");
        seen.AuthenticatedBy.ShouldBe("certificate");
    }

    [Fact]
    public async Task A_CA_that_did_not_issue_the_server_certificate_fails_the_handshake()
    {
        await using var bed = await KubeTestBed.StartAsync();
        using var otherCa = FakeKubePki.CreateCa("some other CA");
        var path = bed.Write("config", $$$"""
            clusters:
            - name: test
              cluster:
                server: {{{bed.ServerUrl}}}
                certificate-authority-data: {{{KubeTestBed.Base64(FakeKubePki.CertPem(otherCa))}}}
            users:
            - name: bob
              user: {token: {{{KubeTestBed.BobToken}}}}
            contexts:
            - name: dev
              context: {cluster: test, user: bob}
            current-context: dev
            """);
        using var client = new KubernetesClientApi(ClusterConfiguration.FromKubeconfig(path));

        var error = await Should.ThrowAsync<HttpRequestException>(() =>
            client.ListAsync(ResourceType.Namespaces, null, null, null, TestContext.Current.CancellationToken));

        error.InnerException.ShouldBeOfType<AuthenticationException>();
        bed.Server.RequestLog.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_server_certificate_for_another_host_name_fails_even_from_the_trusted_CA()
    {
        using var ca = FakeKubePki.CreateCa("cluster CA");
        using var elsewhere = FakeKubePki.IssueServer(ca, "elsewhere", ["api.elsewhere.example"], []);
        await using var server = await FakeKubeApiServer.StartAsync(
            new FakeKubeOptions { ServerCertificate = elsewhere, ServerCa = ca, AllowAnonymous = true },
            TestContext.Current.CancellationToken);
        using var client = new KubernetesClientApi(new k8s.KubernetesClientConfiguration { Host = server.BaseAddress.ToString(), SslCaCerts = [ca] });

        var error = await Should.ThrowAsync<HttpRequestException>(() =>
            client.ListAsync(ResourceType.Namespaces, null, null, null, TestContext.Current.CancellationToken));

        error.InnerException.ShouldBeOfType<AuthenticationException>();
    }

    [Fact]
    public async Task Insecure_skip_tls_verify_talks_to_a_server_nobody_vouches_for_and_without_it_the_same_file_fails()
    {
        await using var bed = await KubeTestBed.StartAsync();
        string Kubeconfig(string name, bool skip) => bed.Write(name, $$$"""
            clusters:
            - name: test
              cluster:
                server: {{{bed.ServerUrl}}}
                insecure-skip-tls-verify: {{{(skip ? "true" : "false")}}}
            users:
            - name: bob
              user: {token: {{{KubeTestBed.BobToken}}}}
            contexts:
            - name: dev
              context: {cluster: test, user: bob}
            current-context: dev
            """);

        var skipping = ClusterConfiguration.FromKubeconfig(Kubeconfig("skip", skip: true));
        skipping.SkipTlsVerify.ShouldBeTrue();
        skipping.SslCaCerts.ShouldBeNull();
        (await bed.ListNamespacesAsync(skipping)).User.ShouldBe("bob");

        // Without the flag and without a CA only the machine's trust store counts, and it does not know the test CA.
        using var checking = new KubernetesClientApi(ClusterConfiguration.FromKubeconfig(Kubeconfig("check", skip: false)));
        await Should.ThrowAsync<HttpRequestException>(() =>
            checking.ListAsync(ResourceType.Namespaces, null, null, null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_current_context_is_used_unless_another_is_named()
    {
        await using var bed = await KubeTestBed.StartAsync();
        using var alice = bed.IssueClient("alice", ["platform"]);
        bed.Write("alice.crt", FakeKubePki.CertPem(alice));
        bed.Write("alice.key", FakeKubePki.KeyPem(alice));
        var path = bed.Write("config", $$$"""
            apiVersion: v1
            kind: Config
            preferences: {}
            clusters:
            - name: test
              cluster:
                server: {{{bed.ServerUrl}}}
                certificate-authority-data: {{{KubeTestBed.Base64(bed.ServerCaPem)}}}
            - name: unreachable
              cluster:
                server: https://192.0.2.1:6443
            users:
            - name: bob
              user: {token: {{{KubeTestBed.BobToken}}}}
            - name: alice
              user:
                client-certificate: alice.crt
                client-key: alice.key
            contexts:
            - name: dev
              context: {cluster: test, user: bob, namespace: dev}
            - name: ops
              context: {cluster: test, user: alice, namespace: ops}
            - name: far
              context: {cluster: unreachable, user: bob}
            current-context: dev
            """);

        var dev = ClusterConfiguration.FromKubeconfig(path);
        dev.CurrentContext.ShouldBe("dev");
        dev.Namespace.ShouldBe("dev");
        (await bed.ListNamespacesAsync(dev)).User.ShouldBe("bob");

        var ops = ClusterConfiguration.FromKubeconfig(path, context: "ops");
        ops.CurrentContext.ShouldBe("ops");
        ops.Namespace.ShouldBe("ops");
        var seen = await bed.ListNamespacesAsync(ops);
        seen.User.ShouldBe("alice");
        seen.AuthenticatedBy.ShouldBe("certificate");

        var far = ClusterConfiguration.FromKubeconfig(path, context: "far");
        far.Host.ShouldBe("https://192.0.2.1:6443");
        far.SslCaCerts.ShouldBeNull();
    }

    [Fact]
    public async Task A_token_the_server_does_not_know_is_a_401_with_the_servers_reason()
    {
        await using var bed = await KubeTestBed.StartAsync();
        using var client = new KubernetesClientApi(new k8s.KubernetesClientConfiguration
        {
            Host = bed.Server.BaseAddress.ToString(),
            SslCaCerts = [bed.ServerCa],
            AccessToken = "stolen",
        });

        var error = await Should.ThrowAsync<KubernetesApiException>(() =>
            client.ListAsync(ResourceType.Namespaces, null, null, null, TestContext.Current.CancellationToken));

        error.StatusCode.ShouldBe(401);
        error.Reason.ShouldBe("Unauthorized");
        error.Message.ShouldContain("GET /api/v1/namespaces");
        bed.Server.RequestLog.Last().User.ShouldBeNull();
    }
}
