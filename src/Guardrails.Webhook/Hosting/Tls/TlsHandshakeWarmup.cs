using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Hosting.Tls;

/// <summary>
/// One TLS handshake with the serving certificate over an in-memory connection, begun while the server is still
/// starting. The first real handshake otherwise pays for loading OpenSSL and JIT-compiling the TLS stack (about 150 ms
/// here), and the apiserver's first admission request or the kubelet's first probe waits for it.
/// </summary>
internal static class TlsHandshakeWarmup
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether the handshake completed. Never fails start-up: one that cannot complete only means the first real
    /// handshake pays in full.
    /// </summary>
    public static async Task<bool> RunAsync(X509Certificate2 certificate, ILogger logger)
    {
        try
        {
            using var timeout = new CancellationTokenSource(Limit);
            var (serverEnd, clientEnd) = InMemoryDuplexStream.CreatePair();
            await using var server = new SslStream(serverEnd);
            await using var client = new SslStream(clientEnd, leaveInnerStreamOpen: false, (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString());
            var serving = server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = certificate,
                ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
            }, timeout.Token);
            var connecting = client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
            }, timeout.Token);
            await Task.WhenAll(serving, connecting).ConfigureAwait(false);
            return client.IsAuthenticated && server.IsAuthenticated;
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException or InvalidOperationException)
        {
            logger.TlsWarmupFailed(ex.Message);
            return false;
        }
    }
}
