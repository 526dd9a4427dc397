using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Guardrails.Webhook.Hosting.Tls;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Tests.Hosting.Tls;

/// <summary>Certificate files replaced under a running server, over real HTTPS on loopback.</summary>
public sealed class CertificateRotationTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task New_handshakes_get_the_rotated_certificate_while_no_request_fails()
    {
        SkipWithoutSymlinks();
        using var dir = new TempDirectory();
        using var caA = TestPki.CreateCa("CA A");
        using var certA = TestPki.IssueServer(caA, "serving A");
        using var caB = TestPki.CreateCa("CA B");
        using var certB = TestPki.IssueServer(caB, "serving B", rsa: true);
        var secret = new MountedSecret(dir.Combine("secret"));
        secret.Publish(TestPki.CertPem(certA), TestPki.KeyPem(certA), TestPki.CertPem(caA));
        var options = Options(secret, dir);
        using var provider = ServingCertificateProvider.Start(options, new RecordingLogger());
        var rotated = new ConcurrentQueue<string>();
        provider.Rotated += certificate => rotated.Enqueue(certificate.Thumbprint);
        await using var server = await TlsTestServer.StartAsync(provider, options);
        X509Certificate2[] roots = [caA, caB];

        // Short-lived pooled connections force fresh handshakes; the kept-alive one must ride through untouched.
        var lifetime = TimeSpan.FromMilliseconds(200);
        await using var http1 = new RequestLoop(h => TrustingClient.Create(server.BaseAddress, roots, HttpVersion.Version11, lifetime, h), parallel: 2);
        await using var http2 = new RequestLoop(h => TrustingClient.Create(server.BaseAddress, roots, HttpVersion.Version20, lifetime, h), parallel: 2);
        await using var keptAlive = new RequestLoop(h => TrustingClient.Create(server.BaseAddress, roots, HttpVersion.Version11, onHandshake: h));
        RequestLoop[] loops = [http1, http2, keptAlive];

        await Eventually.WithinAsync(Limit, () => loops.All(l => l.Succeeded > 20 && l.Handshakes.Contains(certA.Thumbprint)), "traffic on certificate A");
        var keptAliveBeforeSwap = keptAlive.Succeeded;

        secret.Publish(TestPki.CertPem(certB), TestPki.KeyPem(certB), TestPki.CertPem(caB));
        var took = await Eventually.WithinAsync(
            Limit,
            () => http1.Handshakes.Contains(certB.Thumbprint) && http2.Handshakes.Contains(certB.Thumbprint),
            "new HTTP/1.1 and HTTP/2 handshakes presenting certificate B");
        var http1Handshakes = http1.Handshakes.Count;
        await Eventually.WithinAsync(Limit, () => http1.Handshakes.Count > http1Handshakes + 3 && keptAlive.Succeeded > keptAliveBeforeSwap + 20, "more traffic after the swap");

        foreach (var loop in loops)
        {
            await loop.StopAsync();
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"B seen after {took.TotalMilliseconds:F0} ms; requests HTTP/1.1 {http1.Succeeded}, HTTP/2 {http2.Succeeded}, kept-alive {keptAlive.Succeeded}; " +
            $"handshakes HTTP/1.1 {http1.Handshakes.Count}, HTTP/2 {http2.Handshakes.Count}");
        took.ShouldBeLessThanOrEqualTo(Limit);
        foreach (var loop in loops)
        {
            loop.Failures.ShouldBeEmpty();
        }

        http1.Protocols.ShouldBe(["HTTP/1.1"]);
        http2.Protocols.ShouldBe(["HTTP/2"]);

        // Once B is in service, no new connection goes back to A.
        foreach (var handshakes in new[] { http1.Handshakes, http2.Handshakes })
        {
            handshakes.SkipWhile(t => t == certA.Thumbprint).ShouldAllBe(t => t == certB.Thumbprint);
        }

        keptAlive.Handshakes.ShouldBe([certA.Thumbprint], "the kept-alive connection is never re-established");
        keptAlive.Succeeded.ShouldBeGreaterThan(keptAliveBeforeSwap);
        rotated.ShouldBe([certB.Thumbprint]);
        provider.CaBundlePem.ShouldBe(TestPki.CertPem(caB));
    }

    [Fact]
    public async Task A_broken_rotation_keeps_the_old_certificate_until_a_good_pair_arrives()
    {
        SkipWithoutSymlinks();
        using var dir = new TempDirectory();
        using var ca = TestPki.CreateCa("CA");
        using var certA = TestPki.IssueServer(ca, "serving A");
        using var certB = TestPki.IssueServer(ca, "serving B");
        var secret = new MountedSecret(dir.Combine("secret"));
        secret.Publish(TestPki.CertPem(certA), TestPki.KeyPem(certA), TestPki.CertPem(ca));
        var options = Options(secret, dir);
        var logger = new RecordingLogger();
        using var provider = ServingCertificateProvider.Start(options, logger);
        await using var server = await TlsTestServer.StartAsync(provider, options);
        (await server.HandshakeAsync()).Thumbprint.ShouldBe(certA.Thumbprint);

        // B's certificate with A's key.
        secret.Publish(TestPki.CertPem(certB), TestPki.KeyPem(certA), TestPki.CertPem(ca));
        await Eventually.WithinAsync(Limit, () => logger.Has(LogLevel.Warning, secret.KeyFile, "does not match the certificate"), "the mismatch reported");
        (await server.HandshakeAsync()).Thumbprint.ShouldBe(certA.Thumbprint);

        // B's certificate cut off half way, as a non-atomic writer leaves it for a moment.
        var pem = TestPki.CertPem(certB);
        secret.Publish(pem[..(pem.Length / 2)], TestPki.KeyPem(certB), TestPki.CertPem(ca));
        await Eventually.WithinAsync(Limit, () => logger.Has(LogLevel.Warning, secret.CertFile, "no complete PEM CERTIFICATE block"), "the truncation reported");
        (await server.HandshakeAsync()).Thumbprint.ShouldBe(certA.Thumbprint);
        provider.Current.Thumbprint.ShouldBe(certA.Thumbprint);

        secret.Publish(TestPki.CertPem(certB), TestPki.KeyPem(certB), TestPki.CertPem(ca));
        await Eventually.WithinAsync(Limit, async () => (await server.HandshakeAsync()).Thumbprint == certB.Thumbprint, "certificate B served");
        logger.Has(LogLevel.Information, certA.Thumbprint, certB.Thumbprint).ShouldBeTrue();
    }

    [Fact]
    public async Task A_certificate_replaced_in_place_is_picked_up()
    {
        // cert-manager's csi-driver and hand-run scripts overwrite the files themselves, no symlinks involved.
        using var dir = new TempDirectory();
        using var ca = TestPki.CreateCa("CA");
        using var certA = TestPki.IssueServer(ca, "serving A");
        using var certB = TestPki.IssueServer(ca, "serving B", rsa: true);
        var certFile = dir.Write("tls.crt", TestPki.CertPem(certA));
        var keyFile = dir.Write("tls.key", TestPki.KeyPem(certA));
        var options = new TlsOptions { CertFile = certFile, KeyFile = keyFile, DataDirectory = dir.Combine("data"), ReloadInterval = TimeSpan.FromMilliseconds(100) };
        using var provider = ServingCertificateProvider.Start(options, new RecordingLogger());
        await using var server = await TlsTestServer.StartAsync(provider, options);
        (await server.HandshakeAsync()).Thumbprint.ShouldBe(certA.Thumbprint);

        File.WriteAllText(keyFile, TestPki.KeyPem(certB));
        File.WriteAllText(certFile, TestPki.CertPem(certB));

        await Eventually.WithinAsync(Limit, async () => (await server.HandshakeAsync()).Thumbprint == certB.Thumbprint, "certificate B served");
        provider.CaBundlePem.ShouldBe(TestPki.CertPem(certB), "without ca.crt the bundle is the served chain");
    }

    private static TlsOptions Options(MountedSecret secret, TempDirectory dir) => new()
    {
        CertFile = secret.CertFile,
        KeyFile = secret.KeyFile,
        DataDirectory = dir.Combine("data"),
        ReloadInterval = TimeSpan.FromMilliseconds(100),
    };

    private static void SkipWithoutSymlinks()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("The mounted-Secret layout needs symlinks and mv");
        }
    }
}
