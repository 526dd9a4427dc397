using System.Security.Cryptography.X509Certificates;
using System.Text;
using Guardrails.Webhook.Cluster.Api;
using Guardrails.Webhook.Tests.Hosting.Tls;
using Guardrails.Webhook.Tests.Support.FakeKube;

namespace Guardrails.Webhook.Tests.Cluster.Api;

/// <summary>
/// A fake API server with a server certificate from a test CA, a client CA for user certificates, known tokens, and a
/// temporary folder for kubeconfigs and the files they point at.
/// </summary>
internal sealed class KubeTestBed : IAsyncDisposable
{
    public const string BobToken = "token-for-bob";
    public const string CarolToken = "token-for-carol";

    private KubeTestBed(TempDirectory directory, X509Certificate2 serverCa, X509Certificate2 serverCertificate, X509Certificate2 clientCa, FakeKubeApiServer server)
    {
        Directory = directory;
        ServerCa = serverCa;
        ServerCertificate = serverCertificate;
        ClientCa = clientCa;
        Server = server;
        ServerCaPem = FakeKubePki.CertPem(serverCa);
    }

    public string ServerUrl => Server.BaseAddress.ToString().TrimEnd('/');

    public string ServerCaPem { get; }

    public TempDirectory Directory { get; }

    public X509Certificate2 ServerCa { get; }

    public X509Certificate2 ServerCertificate { get; }

    public X509Certificate2 ClientCa { get; }

    public FakeKubeApiServer Server { get; }

    public static async Task<KubeTestBed> StartAsync(Action<FakeKubeOptions>? configure = null)
    {
        var directory = new TempDirectory();
        var serverCa = FakeKubePki.CreateCa("test cluster CA");
        var serverCertificate = FakeKubePki.IssueServer(serverCa);
        var clientCa = FakeKubePki.CreateCa("test client CA");
        var options = new FakeKubeOptions
        {
            ServerCertificate = serverCertificate,
            ServerCa = serverCa,
            ClientCa = clientCa,
            Tokens = new Dictionary<string, FakeUser>(StringComparer.Ordinal)
            {
                [BobToken] = new("bob", "developers"),
                [CarolToken] = new("carol"),
            },
        };
        configure?.Invoke(options);
        var server = await FakeKubeApiServer.StartAsync(options, TestContext.Current.CancellationToken);
        server.Upsert(new { apiVersion = "v1", kind = "Namespace", metadata = new { name = "default" } });
        server.Upsert(new { apiVersion = "v1", kind = "Namespace", metadata = new { name = "kube-system" } });
        return new KubeTestBed(directory, serverCa, serverCertificate, clientCa, server);
    }

    /// <summary>A query string with its parameters in order, so that tests say which parameters were sent, not in what order.</summary>
    public static string SortedQuery(string query) =>
        query.Length == 0 ? "" : "?" + string.Join('&', query.TrimStart('?').Split('&').Order(StringComparer.Ordinal));

    public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    /// <summary>Writes a file under the temporary folder (creating subfolders); its full path.</summary>
    public string Write(string relativePath, string contents)
    {
        var path = Directory.Combine(relativePath.Split('/'));
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, contents);
        return path;
    }

    public X509Certificate2 IssueClient(string user, string[]? groups = null, bool rsa = false) =>
        FakeKubePki.IssueClient(ClientCa, user, groups, rsa);

    /// <summary>A client trusting the test CA and authenticating as bob.</summary>
    public KubernetesClientApi CreateClient(TimeSpan? requestTimeout = null) => new(
        new k8s.KubernetesClientConfiguration { Host = Server.BaseAddress.ToString(), SslCaCerts = [ServerCa], AccessToken = BobToken },
        requestTimeout ?? TimeSpan.FromSeconds(30));

    public void Namespace(string name) => Server.Upsert(new { apiVersion = "v1", kind = "Namespace", metadata = new { name } });

    public void Quota(string @namespace, string name, string cpu = "4") => Server.Upsert(new
    {
        apiVersion = "v1",
        kind = "ResourceQuota",
        metadata = new { name, @namespace },
        spec = new { hard = new Dictionary<string, string> { ["requests.cpu"] = cpu } },
    });

    /// <summary>Lists namespaces with a client built from <paramref name="config"/>; the request as the fake saw it.</summary>
    public async Task<RecordedRequest> ListNamespacesAsync(k8s.KubernetesClientConfiguration config)
    {
        using var client = new KubernetesClientApi(config);
        using var list = await client.ListAsync(ResourceType.Namespaces, null, null, null, TestContext.Current.CancellationToken);
        list.Items.Select(i => i.GetProperty("metadata").GetProperty("name").GetString()).ShouldBe(["default", "kube-system"]);
        return Server.RequestLog.Last(r => r.Path == "/api/v1/namespaces");
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        ServerCertificate.Dispose();
        ServerCa.Dispose();
        ClientCa.Dispose();
        Directory.Dispose();
    }
}
