using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Guardrails.Webhook.Tests.Support.FakeKube;

/// <summary>Throwaway CAs, API server and user certificates, with keys exportable in every PEM form kubeconfigs carry.</summary>
internal static class FakeKubePki
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    public static X509Certificate2 CreateCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(X509BasicConstraintsExtension.CreateForCertificateAuthority());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
    }

    /// <summary>An API server certificate for 127.0.0.1 and localhost unless other names are given.</summary>
    public static X509Certificate2 IssueServer(X509Certificate2 ca, string name = "kube-apiserver", string[]? dnsNames = null, IPAddress[]? addresses = null)
    {
        var sans = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames ?? ["localhost", "kubernetes.default.svc"])
        {
            sans.AddDnsName(dns);
        }

        foreach (var address in addresses ?? [IPAddress.Loopback])
        {
            sans.AddIpAddress(address);
        }

        return Issue(ca, new X500DistinguishedName($"CN={name}"), rsa: false, ServerAuth, sans.Build());
    }

    /// <summary>A user certificate the way Kubernetes reads one: CN is the user name, each O a group.</summary>
    public static X509Certificate2 IssueClient(X509Certificate2 ca, string user, string[]? groups = null, bool rsa = false)
    {
        var name = new X500DistinguishedNameBuilder();
        foreach (var group in groups ?? [])
        {
            name.AddOrganizationName(group);
        }

        name.AddCommonName(user);
        return Issue(ca, name.Build(), rsa, ClientAuth, sans: null);
    }

    public static string CertPem(params X509Certificate2[] certificates) =>
        string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n"));

    /// <summary>PKCS#8 (<c>PRIVATE KEY</c>) or the traditional form (<c>RSA PRIVATE KEY</c>, <c>EC PRIVATE KEY</c>).</summary>
    public static string KeyPem(X509Certificate2 certificate, bool pkcs8 = true)
    {
        using var rsa = certificate.GetRSAPrivateKey();
        using var ecdsa = certificate.GetECDsaPrivateKey();
        return (pkcs8, rsa, ecdsa) switch
        {
            (true, { } r, _) => r.ExportPkcs8PrivateKeyPem(),
            (true, _, { } e) => e.ExportPkcs8PrivateKeyPem(),
            (false, { } r, _) => r.ExportRSAPrivateKeyPem(),
            (false, _, { } e) => e.ExportECPrivateKeyPem(),
            _ => throw new ArgumentException("certificate has no private key", nameof(certificate)),
        } + "\n";
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, X500DistinguishedName subject, bool rsa, string usage, X509Extension? sans)
    {
        using AsymmetricAlgorithm key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = key is RSA rsaKey
            ? new CertificateRequest(subject, rsaKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(subject, (ECDsa)key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(X509BasicConstraintsExtension.CreateForEndEntity());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], critical: false));
        if (sans is not null)
        {
            request.CertificateExtensions.Add(sans);
        }

        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;

        // The generator overload lets the ECDSA CA sign an RSA leaf too.
        using var caKey = ca.GetECDsaPrivateKey()!;
        using var signed = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), now.AddHours(-1), now.AddMonths(3), serial);
        return key is RSA r ? signed.CopyWithPrivateKey(r) : signed.CopyWithPrivateKey((ECDsa)key);
    }
}
