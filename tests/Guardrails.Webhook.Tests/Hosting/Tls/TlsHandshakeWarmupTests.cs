using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Guardrails.Webhook.Hosting.Tls;
using Microsoft.Extensions.Logging.Abstractions;

namespace Guardrails.Webhook.Tests.Hosting.Tls;

public sealed class TlsHandshakeWarmupTests
{
    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
    }

    [Fact]
    public async Task Completes_a_real_handshake_with_the_serving_certificate()
    {
        using var certificate = SelfSigned();

        (await TlsHandshakeWarmup.RunAsync(certificate, NullLogger.Instance)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_certificate_that_cannot_serve_is_reported_as_not_completed_instead_of_failing_start_up()
    {
        using var withKey = SelfSigned();
        using var withoutKey = X509CertificateLoader.LoadCertificate(withKey.RawData);

        (await TlsHandshakeWarmup.RunAsync(withoutKey, NullLogger.Instance)).ShouldBeFalse();
    }
}
