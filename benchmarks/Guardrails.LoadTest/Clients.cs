using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Guardrails.LoadTest;

internal static class Clients
{
    /// <summary>HTTP/1.1 keep-alive, as the apiserver's webhook client calls: a fixed pool of connections, reused.</summary>
    public static HttpClient Create(ServerProcess server, int connections) => Create(server, connections, HttpVersion.Version11);

    /// <summary>
    /// One client per connection, each with one connection of <paramref name="version"/>: N workers on N clients give N
    /// connections for HTTP/2 too (one HTTP/2 client would multiplex every worker over a single connection).
    /// </summary>
    public static IReadOnlyList<HttpClient> PerConnection(ServerProcess server, int connections, Version version) =>
        [.. Enumerable.Range(0, connections).Select(_ => Create(server, 1, version))];

    private static HttpClient Create(ServerProcess server, int connections, Version version)
    {
        X509Certificate2? ca = null;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    File.Exists(server.CaBundlePath) && Trusted(ca ??= X509Certificate2.CreateFromPem(File.ReadAllText(server.CaBundlePath)), certificate),
            },
        };
        return new HttpClient(handler)
        {
            BaseAddress = server.Address,
            DefaultRequestVersion = version,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(10),
        };
    }

    private static bool Trusted(X509Certificate2 ca, X509Certificate? presented)
    {
        if (presented is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var certificate = new X509Certificate2(presented);
        return chain.Build(certificate);
    }
}
