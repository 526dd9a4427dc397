using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Hosting.Tls;

/// <summary>
/// A private CA and a serving certificate it signs, kept in the data directory so the CA bundle registered with the
/// API server stays valid across restarts. Keys are ECDSA P-256: small, fast, and accepted by every Kubernetes version.
/// </summary>
internal static class SelfSignedCertificates
{
    public const string CaCertFileName = "ca.crt";
    public const string CaKeyFileName = "ca.key";
    public const string CertFileName = "tls.crt";
    public const string KeyFileName = "tls.key";

    /// <summary>A certificate this close to expiry is replaced, leaving time for slow rollouts and long-lived pods.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    private static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3650);
    private static readonly TimeSpan ServingLifetime = TimeSpan.FromDays(365);

    // Tolerates a caller whose clock is a little behind ours.
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    /// <summary>Reuses what the data directory holds where it is still right, generating the rest.</summary>
    public static ServingMaterial LoadOrCreate(TlsOptions options, ILogger logger, DateTimeOffset now)
    {
        var sans = ServingSans.FromOptions(options);
        var directory = options.DataDirectory;
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw TlsConfigurationException.ForFile(directory, $"cannot create the data directory: {ex.Message}", ex);
        }

        using var ca = LoadOrCreateCa(directory, logger, now);
        var serving = TryReuseServing(directory, ca, sans, now, logger) ?? CreateServing(directory, ca, sans, options.ServiceName, now, logger);
        return new ServingMaterial(serving, PemFiles.ToBundle([ca]));
    }

    private static X509Certificate2 LoadOrCreateCa(string directory, ILogger logger, DateTimeOffset now)
    {
        var certPath = Path.Combine(directory, CaCertFileName);
        var keyPath = Path.Combine(directory, CaKeyFileName);

        // ca.crt is written last, so without it nothing can have trusted this CA yet and starting over is safe.
        if (!File.Exists(certPath))
        {
            return CreateCa(directory, now, logger);
        }

        var ca = LoadCa(certPath, keyPath);
        if (PemFiles.NotAfter(ca) - RenewBefore > now)
        {
            return ca;
        }

        logger.SelfSignedCaExpiring(certPath, PemFiles.NotAfter(ca));
        ca.Dispose();
        return CreateCa(directory, now, logger);
    }

    private static X509Certificate2 LoadCa(string certPath, string keyPath)
    {
        const string recovery = "; delete ca.crt and ca.key to generate a new CA, then re-apply the webhook configuration";
        if (!File.Exists(keyPath))
        {
            throw TlsConfigurationException.ForFile(keyPath, "missing, so the CA in ca.crt cannot sign" + recovery);
        }

        X509Certificate2 ca;
        try
        {
            ca = PemFiles.LoadCertificateWithKey(certPath, PemFiles.ReadText(certPath), keyPath, PemFiles.ReadText(keyPath));
        }
        catch (TlsConfigurationException ex)
        {
            throw new TlsConfigurationException(ex.Message + recovery, ex);
        }

        if (ca.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
        {
            ca.Dispose();
            throw TlsConfigurationException.ForFile(certPath, "not a CA certificate" + recovery);
        }

        return ca;
    }

    private static X509Certificate2 CreateCa(string directory, DateTimeOffset now, ILogger logger)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var name = new X500DistinguishedNameBuilder();
        name.AddOrganizationName("guardrails");
        name.AddCommonName("guardrails self-signed CA");
        var request = new CertificateRequest(name.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(X509BasicConstraintsExtension.CreateForCertificateAuthority(pathLengthConstraint: 0));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));

        var ca = request.CreateSelfSigned(now - Backdate, now + CaLifetime);

        // Key before certificate: a crash in between leaves no ca.crt, which the next start treats as "no CA yet".
        PemFiles.WriteAtomically(Path.Combine(directory, CaKeyFileName), key.ExportPkcs8PrivateKeyPem() + "\n", isPrivate: true);
        PemFiles.WriteAtomically(Path.Combine(directory, CaCertFileName), PemFiles.ToBundle([ca]), isPrivate: false);
        logger.SelfSignedCaGenerated(Path.Combine(directory, CaCertFileName), ca.Thumbprint, PemFiles.NotAfter(ca));
        return ca;
    }

    private static X509Certificate2? TryReuseServing(string directory, X509Certificate2 ca, ServingSans sans, DateTimeOffset now, ILogger logger)
    {
        var certPath = Path.Combine(directory, CertFileName);
        var keyPath = Path.Combine(directory, KeyFileName);
        if (!File.Exists(certPath) || !File.Exists(keyPath))
        {
            return null;
        }

        X509Certificate2 serving;
        try
        {
            serving = PemFiles.LoadCertificateWithKey(certPath, PemFiles.ReadText(certPath), keyPath, PemFiles.ReadText(keyPath));
        }
        catch (TlsConfigurationException ex)
        {
            // Derived material: regenerating loses nothing, while the CA it chains to is what callers trust.
            logger.SelfSignedServingRegenerating(certPath, ex.Message);
            return null;
        }

        var reason = WhyNotReusable(serving, ca, sans, now);
        if (reason is null)
        {
            logger.SelfSignedServingReused(certPath, serving.Thumbprint, PemFiles.NotAfter(serving));
            return serving;
        }

        logger.SelfSignedServingRegenerating(certPath, reason);
        serving.Dispose();
        return null;
    }

    private static string? WhyNotReusable(X509Certificate2 serving, X509Certificate2 ca, ServingSans sans, DateTimeOffset now)
    {
        if (!IssuedBy(serving, ca, now))
        {
            return $"not issued by the CA in {CaCertFileName}";
        }

        if (PemFiles.NotAfter(serving) - RenewBefore <= now)
        {
            return $"expires on {PemFiles.NotAfter(serving):u}";
        }

        var actual = ServingSans.FromCertificate(serving);
        if (!actual.SetEquals(sans))
        {
            return $"SANs changed from [{actual}] to [{sans}]";
        }

        return PemFiles.AllowsServerAuth(serving) ? null : "not valid for server authentication";
    }

    private static bool IssuedBy(X509Certificate2 serving, X509Certificate2 ca, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        return chain.Build(serving);
    }

    private static X509Certificate2 CreateServing(string directory, X509Certificate2 ca, ServingSans sans, string serviceName, DateTimeOffset now, ILogger logger)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var name = new X500DistinguishedNameBuilder();
        name.AddOrganizationName("guardrails");
        name.AddCommonName(serviceName);
        var request = new CertificateRequest(name.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(X509BasicConstraintsExtension.CreateForEndEntity());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(PemFiles.ServerAuthOid)], critical: false));
        request.CertificateExtensions.Add(sans.ToExtension());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        // CertificateRequest.Create refuses validity outside the issuer's, which a CA near its own end would cause.
        var notBefore = Max(now - Backdate, PemFiles.NotBefore(ca));
        var notAfter = Min(now + ServingLifetime, PemFiles.NotAfter(ca));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;

        using var signed = request.Create(ca, notBefore, notAfter, serial);
        var serving = signed.CopyWithPrivateKey(key);

        var certPath = Path.Combine(directory, CertFileName);
        PemFiles.WriteAtomically(Path.Combine(directory, KeyFileName), key.ExportPkcs8PrivateKeyPem() + "\n", isPrivate: true);
        PemFiles.WriteAtomically(certPath, PemFiles.ToBundle([serving]), isPrivate: false);
        logger.SelfSignedServingGenerated(certPath, serving.Thumbprint, PemFiles.NotAfter(serving), sans.ToString());
        return serving;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
