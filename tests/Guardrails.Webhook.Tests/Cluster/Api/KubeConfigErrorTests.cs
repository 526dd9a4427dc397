using Guardrails.Webhook.Cluster.Api;
using Guardrails.Webhook.Tests.Hosting.Tls;
using Guardrails.Webhook.Tests.Support.FakeKube;

namespace Guardrails.Webhook.Tests.Cluster.Api;

/// <summary>Kubeconfigs Guardrails cannot use: start-up stops with one error that names the file (and, in KubernetesClient's words, what is wrong).</summary>
public sealed class KubeConfigErrorTests : IDisposable
{
    private const string Server = "https://127.0.0.1:6443";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void An_auth_provider_user_is_refused_naming_the_provider()
    {
        var path = Kubeconfig("gke.yaml", """
            auth-provider:
                  name: gcp
                  config: {cmd-path: /usr/bin/gcloud}
            """);

        var error = Should.Throw<KubeConfigException>(() => ClusterConfiguration.FromKubeconfig(path));

        error.Message.ShouldStartWith($"{path}: ");
        error.Message.ShouldContain("someone");
    }

    [Fact]
    public void A_missing_context_is_named_with_the_ones_there_are()
    {
        var path = Kubeconfig("config", "token: abc");

        var error = Should.Throw<KubeConfigException>(() => ClusterConfiguration.FromKubeconfig(path, "staging"));

        error.Message.ShouldBe($"{path}: CurrentContext: staging not found in contexts in kubeconfig");
    }

    [Fact]
    public void No_current_context_and_none_given_says_so()
    {
        var path = _dir.Write("config", $$$"""
            clusters:
            - {name: c, cluster: {server: {{{Server}}}}}
            contexts:
            - {name: one, context: {cluster: c}}
            - {name: two, context: {cluster: c}}
            """);

        var error = Should.Throw<KubeConfigException>(() => ClusterConfiguration.FromKubeconfig(path));

        error.Message.ShouldStartWith($"{path}: ");
    }

    [Fact]
    public void A_context_naming_an_unknown_cluster_or_user_is_refused()
    {
        var cluster = _dir.Write("cluster.yaml", $$$"""
            clusters:
            - {name: real, cluster: {server: {{{Server}}}}}
            contexts:
            - {name: main, context: {cluster: imaginary}}
            current-context: main
            """);
        var user = _dir.Write("user.yaml", $$$"""
            clusters:
            - {name: real, cluster: {server: {{{Server}}}}}
            users:
            - {name: bob, user: {token: x}}
            contexts:
            - {name: main, context: {cluster: real, user: robert}}
            current-context: main
            """);

        Should.Throw<KubeConfigException>(() => ClusterConfiguration.FromKubeconfig(cluster))
            .Message.ShouldStartWith($"{cluster}: Cluster not found for context");
        Should.Throw<KubeConfigException>(() => ClusterConfiguration.FromKubeconfig(user))
            .Message.ShouldStartWith($"{user}: ");
    }

    [Fact]
    public void Bad_base64_names_the_field()
    {
        var path = Kubeconfig("config", """
            client-certificate-data: not*base64!
                client-key-data: c29tZXRoaW5n
            """);

        var error = Should.Throw<KubeConfigException>(() => ClusterConfiguration.FromKubeconfig(path));

        error.Message.ShouldStartWith($"{path}: ");
    }

    [Fact]
    public void A_missing_certificate_file_is_named_resolved_against_the_kubeconfig_folder()
    {
        Directory.CreateDirectory(_dir.Combine("kube"));
        var path = _dir.Write("kube/config", $$$"""
            clusters:
            - name: main
              cluster:
                server: {{{Server}}}
                certificate-authority: certs/ca.crt
            contexts:
            - {name: main, context: {cluster: main}}
            current-context: main
            """);

        var error = Should.Throw<KubeConfigException>(() => ClusterConfiguration.FromKubeconfig(path));

        error.Message.ShouldStartWith($"{path}: ");
        error.Message.ShouldContain(_dir.Combine("kube", "certs", "ca.crt"));
    }

    [Fact]
    public void A_CA_file_without_certificates_is_named()
    {
        _dir.Write("ca.crt", "hello");
        var path = _dir.Write("config", $$$"""
            clusters:
            - {name: main, cluster: {server: {{{Server}}}, certificate-authority: ca.crt}}
            contexts:
            - {name: main, context: {cluster: main}}
            current-context: main
            """);

        var error = Should.Throw<KubeConfigException>(() => ClusterConfiguration.FromKubeconfig(path));

        error.Message.ShouldBe($"{path}: the cluster's certificate-authority holds no PEM CERTIFICATE block");
    }

    [Fact]
    public void A_client_key_that_does_not_belong_to_the_certificate_is_named()
    {
        using var ca = FakeKubePki.CreateCa("ca");
        using var alice = FakeKubePki.IssueClient(ca, "alice");
        using var mallory = FakeKubePki.IssueClient(ca, "mallory");
        _dir.Write("alice.crt", FakeKubePki.CertPem(alice));
        _dir.Write("mallory.key", FakeKubePki.KeyPem(mallory));
        var path = Kubeconfig("config", """
            client-certificate: alice.crt
                client-key: mallory.key
            """);

        var error = Should.Throw<KubeConfigException>(() => ClusterConfiguration.FromKubeconfig(path));

        error.Message.ShouldStartWith($"{path}: ");
    }

    [Fact]
    public void A_client_certificate_without_a_key_is_refused()
    {
        using var ca = FakeKubePki.CreateCa("ca");
        using var alice = FakeKubePki.IssueClient(ca, "alice");
        var path = Kubeconfig("config", $"client-certificate-data: {KubeTestBed.Base64(FakeKubePki.CertPem(alice))}");

        Should.Throw<KubeConfigException>(() => ClusterConfiguration.FromKubeconfig(path))
            .Message.ShouldStartWith($"{path}: User: someone does not have appropriate auth credentials");
    }

    [Fact]
    public void A_missing_or_empty_token_file_is_named()
    {
        var missing = Kubeconfig("missing.yaml", "tokenFile: token");
        Should.Throw<KubeConfigException>(() => ClusterConfiguration.FromKubeconfig(missing))
            .Message.ShouldBe($"{missing}: tokenFile {_dir.Combine("token")}: file not found");

        _dir.Write("empty-token", "\n");
        var empty = Kubeconfig("empty.yaml", "tokenFile: empty-token");
        Should.Throw<KubeConfigException>(() => ClusterConfiguration.FromKubeconfig(empty))
            .Message.ShouldBe($"{empty}: tokenFile {_dir.Combine("empty-token")}: the file is empty");
    }

    [Fact]
    public void A_missing_kubeconfig_or_one_that_is_not_YAML_is_named()
    {
        var missing = _dir.Combine("nowhere", "config");
        Should.Throw<KubeConfigException>(() => ClusterConfiguration.FromKubeconfig(missing))
            .Message.ShouldBe($"{missing}: kubeconfig file not found");

        var broken = _dir.Write("broken", "clusters: [\n  - name: x\n  cluster: {");
        Should.Throw<KubeConfigException>(() => ClusterConfiguration.FromKubeconfig(broken))
            .Message.ShouldStartWith($"{broken}: not valid YAML at line");

        var list = _dir.Write("list", "- a\n- b\n");
        Should.Throw<KubeConfigException>(() => ClusterConfiguration.FromKubeconfig(list))
            .Message.ShouldStartWith($"{list}: not valid YAML at line 1");
    }

    [Fact]
    public void A_server_that_is_not_a_URL_or_skip_verify_with_a_CA_is_refused()
    {
        var noUrl = _dir.Write("nourl", """
            clusters:
            - {name: main, cluster: {server: "127.0.0.1:6443"}}
            contexts:
            - {name: main, context: {cluster: main}}
            current-context: main
            """);
        Should.Throw<KubeConfigException>(() => ClusterConfiguration.FromKubeconfig(noUrl))
            .Message.ShouldBe($"{noUrl}: Bad server host URL `127.0.0.1:6443` (cannot be parsed)");

        using var ca = FakeKubePki.CreateCa("ca");
        var both = _dir.Write("both", $$$"""
            clusters:
            - name: main
              cluster:
                server: {{{Server}}}
                insecure-skip-tls-verify: true
                certificate-authority-data: {{{KubeTestBed.Base64(FakeKubePki.CertPem(ca))}}}
            contexts:
            - {name: main, context: {cluster: main}}
            current-context: main
            """);
        Should.Throw<KubeConfigException>(() => ClusterConfiguration.FromKubeconfig(both))
            .Message.ShouldBe($"{both}: the cluster sets both insecure-skip-tls-verify and a certificate authority, which kubectl refuses too; keep one");
    }

    /// <summary>A kubeconfig whose one user, <c>someone</c>, has the given fields (indented to sit under <c>user:</c>).</summary>
    private string Kubeconfig(string name, string userFields) => _dir.Write(name, $$"""
        clusters:
        - name: main
          cluster:
            server: {{Server}}
        users:
        - name: someone
          user:
            {{userFields}}
        contexts:
        - name: main
          context: {cluster: main, user: someone}
        current-context: main
        """);
}
