using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Guardrails.Webhook.Hosting.Tls;

/// <summary>
/// The bytes of the configured certificate files read in one go, with a hash to tell whether anything changed.
/// Material is built from these same bytes, so what was hashed is exactly what is loaded.
/// </summary>
internal sealed class ServingFileSnapshot
{
    private ServingFileSnapshot(string certFile, string certPem, string keyFile, string keyPem, string caFile, string? caPem, byte[] fingerprint)
    {
        CertFile = certFile;
        CertPem = certPem;
        KeyFile = keyFile;
        KeyPem = keyPem;
        CaFile = caFile;
        CaPem = caPem;
        Fingerprint = fingerprint;
    }

    public string CertFile { get; }

    public string CertPem { get; }

    public string KeyFile { get; }

    public string KeyPem { get; }

    /// <summary><c>ca.crt</c> beside the certificate, as a mounted cert-manager Secret has it.</summary>
    public string CaFile { get; }

    /// <summary>Null when there is no <see cref="CaFile"/>.</summary>
    public string? CaPem { get; }

    public byte[] Fingerprint { get; }

    public static ServingFileSnapshot Read(string certFile, string? keyFile)
    {
        var effectiveKeyFile = keyFile ?? certFile;

        // The configured path, not the symlink's target: a mounted Secret's ca.crt is itself a link into ..data.
        var caFile = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(certFile)) ?? ".", "ca.crt");
        var cert = PemFiles.ReadFile(certFile);
        var key = keyFile is null ? cert : PemFiles.ReadFile(effectiveKeyFile);
        var ca = ReadOptional(caFile, certFile);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in new[] { cert, key, ca ?? [] })
        {
            hash.AppendData(BitConverter.GetBytes(part.Length));
            hash.AppendData(part);
        }

        hash.AppendData([ca is null ? (byte)0 : (byte)1]);

        return new ServingFileSnapshot(
            certFile,
            Encoding.UTF8.GetString(cert),
            effectiveKeyFile,
            Encoding.UTF8.GetString(key),
            caFile,
            ca is null ? null : Encoding.UTF8.GetString(ca),
            hash.GetHashAndReset());
    }

    /// <summary>Checks everything a TLS handshake or a caller would trip over; the thrown message names the file.</summary>
    public ServingMaterial Load(DateTimeOffset now)
    {
        var chain = PemFiles.ParseCertificates(CertFile, CertPem);
        var caCertificates = new X509Certificate2Collection();
        try
        {
            var leaf = chain[0];
            if (!PemFiles.AllowsServerAuth(leaf))
            {
                throw TlsConfigurationException.ForFile(CertFile, $"certificate {leaf.Subject} is not valid for server authentication (its extended key usage lacks serverAuth)");
            }

            if (PemFiles.NotAfter(leaf) <= now)
            {
                throw TlsConfigurationException.ForFile(CertFile, $"certificate {leaf.Subject} expired on {PemFiles.NotAfter(leaf):u}");
            }

            if (CaPem is not null)
            {
                caCertificates = PemFiles.ParseCertificates(CaFile, CaPem);
            }

            // Kestrel's certificate selector cannot hand SslStream the intermediates, so callers get only the leaf:
            // trusting the intermediates as well is what lets the API server verify a cert issued below the root.
            var bundle = PemFiles.ToBundle(CaPem is null ? chain : caCertificates.Concat(chain.Skip(1)));
            return new ServingMaterial(PemFiles.AttachPrivateKey(leaf, CertFile, KeyFile, KeyPem), bundle);
        }
        finally
        {
            foreach (var certificate in chain.Concat(caCertificates))
            {
                certificate.Dispose();
            }
        }
    }

    private static byte[]? ReadOptional(string path, string certFile)
    {
        if (string.Equals(Path.GetFullPath(path), Path.GetFullPath(certFile), StringComparison.Ordinal))
        {
            // The certificate itself is called ca.crt; it is not a separate bundle.
            return null;
        }

        try
        {
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
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
}
