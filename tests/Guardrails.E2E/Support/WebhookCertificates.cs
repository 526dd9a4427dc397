using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Guardrails.E2E.Support;

/// <summary>
/// A throwaway CA and serving certificate for a webhook host other than loopback. <c>guardrails serve</c>'s own
/// self-signed certificate names only localhost, loopback and its Service, and serve has no option to add a name,
/// so an apiserver dialling, say, the docker bridge address would refuse it. Serve then gets these files instead.
/// </summary>
internal static class WebhookCertificates
{
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);

    public static CertificateFiles Write(string directory, string host)
    {
        Directory.CreateDirectory(directory);
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=guardrails-e2e CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, critical: false));
        using var ca = caRequest.CreateSelfSigned(now - Backdate, now + Lifetime);

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=guardrails-e2e", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(X509BasicConstraintsExtension.CreateForEndEntity());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(Sans(host));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var serving = request.Create(ca, now - Backdate, now + Lifetime, serial);

        var files = new CertificateFiles(
            Path.Combine(directory, "tls.crt"),
            Path.Combine(directory, "tls.key"),
            Path.Combine(directory, "ca.crt"));
        File.WriteAllText(files.KeyFile, key.ExportPkcs8PrivateKeyPem() + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(files.KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.WriteAllText(files.CertFile, serving.ExportCertificatePem() + "\n");

        // Serve reads ca.crt beside the certificate as the bundle to publish, as with a cert-manager Secret.
        File.WriteAllText(files.CaFile, ca.ExportCertificatePem() + "\n");
        return files;
    }

    private static X509Extension Sans(string host)
    {
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddDnsName("localhost");
        sans.AddIpAddress(IPAddress.Loopback);
        var bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (IPAddress.TryParse(bare, out var ip))
        {
            sans.AddIpAddress(ip);
        }
        else
        {
            sans.AddDnsName(bare);
        }

        return sans.Build();
    }
}
