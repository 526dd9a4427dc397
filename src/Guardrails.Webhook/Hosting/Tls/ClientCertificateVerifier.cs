using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Hosting.Tls;

/// <summary>
/// Accepts a caller's certificate only if it chains to the configured client CA, ignoring the machine's trust store:
/// a certificate from some public CA must not pass as the API server.
/// </summary>
internal sealed class ClientCertificateVerifier(ServingCertificateProvider provider)
{
    public bool Verify(X509Certificate2 certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        var roots = provider.ClientCaCertificates;
        if (roots is null)
        {
            return Reject(certificate, "no client CA is loaded");
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(PemFiles.ClientAuthOid));
        if (presented is not null)
        {
            // Intermediates the caller sent along; they still have to lead to one of our roots.
            chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
            foreach (var element in presented.ChainElements.Skip(1))
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (chain.Build(certificate))
        {
            return true;
        }

        var reasons = chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal);
        return Reject(certificate, string.Join("; ", reasons.DefaultIfEmpty(errors.ToString())));
    }

    private bool Reject(X509Certificate2 certificate, string reason)
    {
        provider.Logger.ClientCertificateRejected(certificate.Subject, certificate.Thumbprint, reason);
        return false;
    }
}
