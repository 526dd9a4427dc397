using Guardrails.Webhook.Cluster.Api;
using Guardrails.Webhook.Tests.Support.FakeKube;

namespace Guardrails.Webhook.Tests.Cluster.Api;

/// <summary>Kubeconfigs whose user runs a credential plugin, as EKS, GKE and AKS kubeconfigs do.</summary>
public sealed class ExecPluginTests
{
    private const string PluginToken = "token-from-the-plugin";

    [Fact]
    public async Task An_exec_plugin_user_authenticates_with_the_token_the_plugin_prints()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "the plugin is a POSIX shell script");
        await using var bed = await KubeTestBed.StartAsync(o => o.Tokens[PluginToken] = new FakeUser("dave", "plugin-users"));
        var ran = bed.Directory.Combine("plugin-ran");

        // What aws eks get-token and gke-gcloud-auth-plugin do: print an ExecCredential on stdout.
        var plugin = bed.Write("bin/get-token", $$$"""
            #!/bin/sh
            echo "$@ $CLUSTER_NAME" > '{{{ran}}}'
            cat <<'EOF'
            {"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"{{{PluginToken}}}","expirationTimestamp":"2099-01-01T00:00:00Z"}}
            EOF
            """);
        MakeExecutable(plugin);
        var path = bed.Write("config", $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: eks
              cluster:
                server: {{bed.ServerUrl}}
                certificate-authority-data: {{KubeTestBed.Base64(bed.ServerCaPem)}}
            users:
            - name: eks-admin
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: {{plugin}}
                  args: [eks, get-token, --cluster-name, prod]
                  env:
                  - {name: CLUSTER_NAME, value: prod}
                  interactiveMode: Never
            contexts:
            - name: prod
              context: {cluster: eks, user: eks-admin}
            current-context: prod
            """);

        var config = ClusterConfiguration.FromKubeconfig(path);
        var seen = await bed.ListNamespacesAsync(config);

        seen.User.ShouldBe("dave");
        seen.AuthenticatedBy.ShouldBe("token");
        seen.Protocol.ShouldBe("HTTP/2");
        File.ReadAllText(ran).Trim().ShouldBe("eks get-token --cluster-name prod prod");
    }

    [Fact]
    public async Task An_exec_plugin_that_fails_stops_start_up_naming_the_kubeconfig()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "the plugin is a POSIX shell script");
        await using var bed = await KubeTestBed.StartAsync();
        var plugin = bed.Write("bin/broken", "#!/bin/sh\necho 'no credentials' >&2\nexit 1\n");
        MakeExecutable(plugin);
        var path = bed.Write("config", $$$"""
            clusters:
            - {name: c, cluster: {server: "{{{bed.ServerUrl}}}", certificate-authority-data: {{{KubeTestBed.Base64(bed.ServerCaPem)}}}}}
            users:
            - name: u
              user:
                exec: {apiVersion: client.authentication.k8s.io/v1, command: "{{{plugin}}}", interactiveMode: Never}
            contexts:
            - {name: x, context: {cluster: c, user: u}}
            current-context: x
            """);

        var error = Should.Throw<KubeConfigException>(() => ClusterConfiguration.FromKubeconfig(path));

        error.Message.ShouldStartWith($"{path}: ");
        bed.Server.RequestLog.ShouldBeEmpty();
    }

    private static void MakeExecutable(string path)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
