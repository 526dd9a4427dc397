using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Guardrails.Webhook.Hosting.Tls;

/// <summary>Reading and writing the PEM certificates and keys that TLS material is stored as.</summary>
internal static class PemFiles
{
    internal const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    internal const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string EcOid = "1.2.840.10045.2.1";

    /// <summary>Every complete CERTIFICATE block; other blocks (keys) are ignored.</summary>
    public static X509Certificate2Collection ParseCertificates(string path, string pem)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw TlsConfigurationException.ForFile(path, $"malformed PEM certificate: {ex.Message}", ex);
        }

        // ImportFromPem skips blocks it cannot decode, so a half-written file reads as "no certificate" rather than failing.
        if (certificates.Count == 0)
        {
            throw TlsConfigurationException.ForFile(path, string.IsNullOrWhiteSpace(pem)
                ? "file is empty"
                : "no complete PEM CERTIFICATE block");
        }

        return certificates;
    }

    /// <summary>The first certificate of <paramref name="certPem"/> joined with its private key; the rest are only parsed.</summary>
    public static X509Certificate2 LoadCertificateWithKey(string certPath, string certPem, string keyPath, string keyPem)
    {
        var certificates = ParseCertificates(certPath, certPem);
        try
        {
            return AttachPrivateKey(certificates[0], certPath, keyPath, keyPem);
        }
        finally
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }
    }

    /// <summary>File contents, with a missing or unreadable file reported as a problem with that file.</summary>
    public static byte[] ReadFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw TlsConfigurationException.ForFile(path, "file not found", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw TlsConfigurationException.ForFile(path, "permission denied", ex);
        }
        catch (IOException ex)
        {
            throw TlsConfigurationException.ForFile(path, $"cannot read: {ex.Message}", ex);
        }
    }

    public static string ReadText(string path) => Encoding.UTF8.GetString(ReadFile(path));

    /// <summary>The certificate joined with the private key in <paramref name="keyPem"/>, which must be its own.</summary>
    public static X509Certificate2 AttachPrivateKey(X509Certificate2 certificate, string certPath, string keyPath, string keyPem)
    {
        if (keyPem.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw TlsConfigurationException.ForFile(keyPath, "encrypted private keys are not supported");
        }

        var algorithm = certificate.PublicKey.Oid.Value;
        X509Certificate2 joined = algorithm switch
        {
            RsaOid => Join(RSA.Create, "RSA", (rsa, c) => c.CopyWithPrivateKey(rsa), certificate, certPath, keyPath, keyPem),
            EcOid => Join(ECDsa.Create, "ECDSA", (ecdsa, c) => c.CopyWithPrivateKey(ecdsa), certificate, certPath, keyPath, keyPem),
            _ => throw TlsConfigurationException.ForFile(certPath, $"unsupported public key algorithm {algorithm}; use RSA or ECDSA"),
        };

        if (!OperatingSystem.IsWindows())
        {
            return joined;
        }

        // SChannel cannot use an ephemeral key for a server handshake; a PKCS#12 round trip gives it a usable one.
        using (joined)
        {
            return X509CertificateLoader.LoadPkcs12(joined.Export(X509ContentType.Pkcs12), password: null);
        }
    }

    public static string ToBundle(IEnumerable<X509Certificate2> certificates)
    {
        var builder = new StringBuilder();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var certificate in certificates)
        {
            if (seen.Add(certificate.Thumbprint))
            {
                builder.Append(certificate.ExportCertificatePem()).Append('\n');
            }
        }

        return builder.ToString();
    }

    public static bool AllowsServerAuth(X509Certificate2 certificate)
    {
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();

        // No EKU extension means no restriction; that is also how Kestrel and SslStream read it.
        return usages is null || usages.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == ServerAuthOid);
    }

    public static DateTimeOffset NotAfter(X509Certificate2 certificate) => new(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);

    public static DateTimeOffset NotBefore(X509Certificate2 certificate) => new(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);

    /// <summary>Writes beside the target then renames over it, so a reader never sees half a file.</summary>
    public static void WriteAtomically(string path, string contents, bool isPrivate)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (isPrivate && !OperatingSystem.IsWindows())
        {
            // Set at creation so the key is never readable by others, not even for a moment.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(Encoding.ASCII.GetBytes(contents));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static X509Certificate2 Join<TKey>(
        Func<TKey> create,
        string algorithmName,
        Func<TKey, X509Certificate2, X509Certificate2> copyWithKey,
        X509Certificate2 certificate,
        string certPath,
        string keyPath,
        string keyPem)
        where TKey : AsymmetricAlgorithm
    {
        using var key = create();
        try
        {
            key.ImportFromPem(keyPem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            var problem = string.IsNullOrWhiteSpace(keyPem)
                ? "file is empty"
                : $"no readable unencrypted {algorithmName} private key (the certificate's key type): {ex.Message}";
            throw TlsConfigurationException.ForFile(keyPath, problem, ex);
        }

        try
        {
            return copyWithKey(key, certificate);
        }
        catch (ArgumentException ex)
        {
            throw TlsConfigurationException.ForFile(
                keyPath,
                $"private key does not match the certificate in {certPath} ({certificate.Subject}, {certificate.Thumbprint})",
                ex);
        }
    }
}
