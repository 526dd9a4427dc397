using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Guardrails.Webhook.Tests.Hosting.Tls;

/// <summary>
/// An HttpClient that trusts only the given CAs (and checks the host name), reporting the certificate of every new
/// connection's handshake.
/// </summary>
internal static class TrustingClient
{
    public static HttpClient Create(
        Uri baseAddress,
        IEnumerable<X509Certificate2> roots,
        Version? version = null,
        TimeSpan? connectionLifetime = null,
        Action<X509Certificate2>? onHandshake = null,
        X509Certificate2? clientCertificate = null)
    {
        X509Certificate2[] trusted = [.. roots];
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = connectionLifetime ?? Timeout.InfiniteTimeSpan,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null)
                    {
                        return false;
                    }

                    var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    onHandshake?.Invoke(presented);
                    return (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
                        && TestPki.ChainsTo(presented, trusted);
                },
            },
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return new HttpClient(handler)
        {
            BaseAddress = baseAddress,
            DefaultRequestVersion = version ?? HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(10),
        };
    }
}
