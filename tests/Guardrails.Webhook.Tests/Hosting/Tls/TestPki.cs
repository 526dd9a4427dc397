using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Guardrails.Webhook.Tests.Hosting.Tls;

/// <summary>Throwaway CAs and certificates, built independently of the code under test.</summary>
internal static class TestPki
{
    public static X509Certificate2 CreateCa(string name, X509Certificate2? issuer = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(X509BasicConstraintsExtension.CreateForCertificateAuthority());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        if (issuer is null)
        {
            return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        }

        using var signed = request.Create(issuer, now.AddHours(-1), now.AddMonths(6), Serial());
        return signed.CopyWithPrivateKey(key);
    }

    public static X509Certificate2 IssueServer(X509Certificate2 ca, string name, bool rsa = false) =>
        Issue(ca, name, rsa, "1.3.6.1.5.5.7.3.1", withSans: true);

    public static X509Certificate2 IssueClient(X509Certificate2 ca, string name) =>
        Issue(ca, name, rsa: false, "1.3.6.1.5.5.7.3.2", withSans: false);

    public static string CertPem(params X509Certificate2[] certificates) =>
        string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n"));

    public static string KeyPem(X509Certificate2 certificate) =>
        ((AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()!).ExportPkcs8PrivateKeyPem() + "\n";

    /// <summary>Chain validation the way a careful caller does it: only <paramref name="roots"/> are trusted.</summary>
    public static bool ChainsTo(X509Certificate2 certificate, IEnumerable<X509Certificate2> roots, string? usage = "1.3.6.1.5.5.7.3.1", DateTimeOffset? at = null)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.VerificationTime = (at ?? DateTimeOffset.UtcNow).UtcDateTime;
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots.ToArray());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (usage is not null)
        {
            chain.ChainPolicy.ApplicationPolicy.Add(new Oid(usage));
        }

        return chain.Build(certificate);
    }

    public static X509Certificate2Collection ParseBundle(string pem)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPem(pem);
        return certificates;
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string name, bool rsa, string usage, bool withSans)
    {
        using AsymmetricAlgorithm key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = key is RSA rsaKey
            ? new CertificateRequest($"CN={name}", rsaKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest($"CN={name}", (ECDsa)key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(X509BasicConstraintsExtension.CreateForEndEntity());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], critical: false));
        if (withSans)
        {
            var sans = new SubjectAlternativeNameBuilder();
            sans.AddDnsName("localhost");
            sans.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(sans.Build());
        }

        var now = DateTimeOffset.UtcNow;
        // The generator overload lets an ECDSA CA sign an RSA leaf.
        using var caKey = ca.GetECDsaPrivateKey()!;
        using var signed = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), now.AddHours(-1), now.AddMonths(3), Serial());
        return key is RSA r ? signed.CopyWithPrivateKey(r) : signed.CopyWithPrivateKey((ECDsa)key);
    }

    private static byte[] Serial()
    {
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        return serial;
    }
}
