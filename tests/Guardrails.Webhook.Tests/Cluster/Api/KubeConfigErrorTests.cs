using Guardrails.Webhook.Cluster.Api;
using Guardrails.Webhook.Tests.Hosting.Tls;
using Guardrails.Webhook.Tests.Support.FakeKube;

namespace Guardrails.Webhook.Tests.Cluster.Api;

/// <summary>Kubeconfigs Guardrails cannot use: each error names the file and says what is wrong in it.</summary>
public sealed class KubeConfigErrorTests : IDisposable
{
    private const string Server = "https://127.0.0.1:6443";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void An_exec_plugin_user_is_refused_naming_the_user_and_the_command()
    {
        var path = _dir.Write("eks.yaml", $$$"""
            clusters:
            - name: eks
              cluster: {server: {{{Server}}}}
            users:
            - name: eks-admin
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  command: aws
                  args: [eks, get-token, --cluster-name, prod, --region, eu-west-1]
            contexts:
            - name: prod
              context: {cluster: eks, user: eks-admin}
            current-context: prod
            """);

        var error = Should.Throw<KubeConfigException>(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(path));

        error.Message.ShouldBe(
            $"{path}: user 'eks-admin' authenticates with an exec plugin (aws eks get-token), which Guardrails does not run; "
            + "use a token or client certificate kubeconfig");
    }

    [Fact]
    public void An_auth_provider_user_is_refused_naming_the_provider()
    {
        var path = Kubeconfig("gke.yaml", """
            auth-provider:
                  name: gcp
                  config: {cmd-path: /usr/bin/gcloud}
            """);

        var error = Should.Throw<KubeConfigException>(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(path));

        error.Message.ShouldBe(
            $"{path}: user 'someone' authenticates with the 'gcp' auth-provider, which Guardrails does not run; use a token or client certificate kubeconfig");
    }

    [Fact]
    public void A_missing_context_is_named_with_the_ones_there_are()
    {
        var path = Kubeconfig("config", "token: abc");

        var error = Should.Throw<KubeConfigException>(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(path, "staging"));

        error.Message.ShouldBe($"{path}: context 'staging' not found; contexts: main");
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

        var error = Should.Throw<KubeConfigException>(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(path));

        error.Message.ShouldBe($"{path}: no current-context is set and no context was given; contexts: one, two");
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

        Should.Throw<KubeConfigException>(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(cluster))
            .Message.ShouldBe($"{cluster}: cluster 'imaginary' (of context 'main') not found; clusters: real");
        Should.Throw<KubeConfigException>(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(user))
            .Message.ShouldBe($"{user}: user 'robert' (of context 'main') not found; users: bob");
    }

    [Fact]
    public void Bad_base64_names_the_field()
    {
        var path = Kubeconfig("config", """
            client-certificate-data: not*base64!
                client-key-data: c29tZXRoaW5n
            """);

        var error = Should.Throw<KubeConfigException>(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(path));

        error.Message.ShouldBe($"{path}: user 'someone' client-certificate-data is not valid base64");
        error.InnerException.ShouldBeOfType<FormatException>();
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

        var error = Should.Throw<KubeConfigException>(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(path));

        error.Message.ShouldBe($"{path}: cluster 'main' certificate-authority {_dir.Combine("kube", "certs", "ca.crt")}: file not found");
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

        var error = Should.Throw<KubeConfigException>(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(path));

        error.Message.ShouldBe($"{path}: cluster 'main' certificate-authority {_dir.Combine("ca.crt")}: no complete PEM CERTIFICATE block");
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

        var error = Should.Throw<KubeConfigException>(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(path));

        error.Message.ShouldStartWith(
            $"{path}: user 'someone' client-key {_dir.Combine("mallory.key")}: private key does not match the certificate in user 'someone' client-certificate {_dir.Combine("alice.crt")}");
    }

    [Fact]
    public void A_client_certificate_without_a_key_is_refused()
    {
        using var ca = FakeKubePki.CreateCa("ca");
        using var alice = FakeKubePki.IssueClient(ca, "alice");
        var path = Kubeconfig("config", $"client-certificate-data: {KubeTestBed.Base64(FakeKubePki.CertPem(alice))}");

        Should.Throw<KubeConfigException>(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(path))
            .Message.ShouldBe($"{path}: user 'someone' has a client certificate but no client-key or client-key-data");
    }

    [Fact]
    public void A_missing_or_empty_token_file_is_named()
    {
        var missing = Kubeconfig("missing.yaml", "tokenFile: token");
        Should.Throw<KubeConfigException>(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(missing))
            .Message.ShouldBe($"{missing}: user 'someone' tokenFile {_dir.Combine("token")}: file not found");

        _dir.Write("empty-token", "\n");
        var empty = Kubeconfig("empty.yaml", "tokenFile: empty-token");
        Should.Throw<KubeConfigException>(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(empty))
            .Message.ShouldBe($"{empty}: user 'someone' tokenFile {_dir.Combine("empty-token")}: the file is empty");
    }

    [Fact]
    public void A_missing_kubeconfig_or_one_that_is_not_YAML_is_named()
    {
        var missing = _dir.Combine("nowhere", "config");
        Should.Throw<KubeConfigException>(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(missing))
            .Message.ShouldBe($"{missing}: kubeconfig file not found");

        var broken = _dir.Write("broken", "clusters: [\n  - name: x\n  cluster: {");
        Should.Throw<KubeConfigException>(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(broken))
            .Message.ShouldStartWith($"{broken}: not valid YAML at line");

        var list = _dir.Write("list", "- a\n- b\n");
        Should.Throw<KubeConfigException>(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(list))
            .Message.ShouldBe($"{list}: not a kubeconfig: expected a mapping with clusters, contexts and users");
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
        Should.Throw<KubeConfigException>(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(noUrl))
            .Message.ShouldBe($"{noUrl}: cluster 'main' server '127.0.0.1:6443' is not an https:// (or http://) URL");

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
        Should.Throw<KubeConfigException>(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(both))
            .Message.ShouldBe($"{both}: cluster 'main' sets both insecure-skip-tls-verify and a certificate authority, which kubectl refuses too; keep one");
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
