using System.Net;
using System.Security.Cryptography.X509Certificates;
using Guardrails.Webhook.Hosting.Tls;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Tests.Hosting.Tls;

public sealed class ClientCertificateTests
{
    [Theory]
    [InlineData("1.1")]
    [InlineData("2.0")]
    public async Task With_a_client_CA_only_callers_holding_a_certificate_it_issued_get_through(string version)
    {
        using var dir = new TempDirectory();
        using var clientCa = TestPki.CreateCa("client CA");
        using var otherCa = TestPki.CreateCa("other CA");
        using var apiServer = TestPki.IssueClient(clientCa, "kube-apiserver");
        using var stranger = TestPki.IssueClient(otherCa, "stranger");
        var options = new TlsOptions { DataDirectory = dir.Combine("data"), ClientCaFile = dir.Write("client-ca.crt", TestPki.CertPem(clientCa)) };
        var logger = new RecordingLogger();
        using var provider = ServingCertificateProvider.Start(options, logger);
        await using var server = await TlsTestServer.StartAsync(provider, options);
        var roots = TestPki.ParseBundle(provider.CaBundlePem);
        var httpVersion = Version.Parse(version);

        using (var anonymous = TrustingClient.Create(server.BaseAddress, roots, httpVersion))
        {
            await Should.ThrowAsync<HttpRequestException>(() => anonymous.GetStringAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken));
        }

        using (var strangers = TrustingClient.Create(server.BaseAddress, roots, httpVersion, clientCertificate: stranger))
        {
            await Should.ThrowAsync<HttpRequestException>(() => strangers.GetStringAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken));
        }

        logger.Has(LogLevel.Warning, "Rejected client certificate CN=stranger").ShouldBeTrue();

        using var trusted = TrustingClient.Create(server.BaseAddress, roots, httpVersion, clientCertificate: apiServer);
        var protocol = await trusted.GetStringAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);
        protocol.ShouldBe(httpVersion == HttpVersion.Version20 ? "HTTP/2" : "HTTP/1.1");
    }

    [Fact]
    public async Task A_replaced_client_CA_file_is_used_for_new_connections()
    {
        using var dir = new TempDirectory();
        using var oldCa = TestPki.CreateCa("old client CA");
        using var newCa = TestPki.CreateCa("new client CA");
        using var caller = TestPki.IssueClient(newCa, "kube-apiserver");
        var clientCaFile = dir.Write("client-ca.crt", TestPki.CertPem(oldCa));
        var options = new TlsOptions { DataDirectory = dir.Combine("data"), ClientCaFile = clientCaFile, ReloadInterval = TimeSpan.FromMilliseconds(100) };
        using var provider = ServingCertificateProvider.Start(options, new RecordingLogger());
        await using var server = await TlsTestServer.StartAsync(provider, options);
        X509Certificate2[] roots = [.. TestPki.ParseBundle(provider.CaBundlePem)];

        async Task<bool> CallerGetsThrough()
        {
            // A new client per attempt: each try must be a new handshake.
            using var client = TrustingClient.Create(server.BaseAddress, roots, clientCertificate: caller);
            try
            {
                await client.GetStringAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);
                return true;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }

        (await CallerGetsThrough()).ShouldBeFalse();

        File.WriteAllText(clientCaFile, TestPki.CertPem(newCa));

        await Eventually.WithinAsync(TimeSpan.FromSeconds(10), CallerGetsThrough, "the caller accepted under the new client CA");
    }

    [Fact]
    public void A_client_CA_file_without_certificates_stops_startup_naming_it()
    {
        using var dir = new TempDirectory();
        var options = new TlsOptions { DataDirectory = dir.Combine("data"), ClientCaFile = dir.Write("client-ca.crt", "") };

        var error = Should.Throw<TlsConfigurationException>(() => ServingCertificateProvider.Start(options, new RecordingLogger()));

        error.Message.ShouldBe(options.ClientCaFile + ": file is empty");
    }
}
