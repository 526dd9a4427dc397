using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Guardrails.Webhook.Hosting.Tls;

public static class KestrelTlsExtensions
{
    /// <summary>HTTPS on this endpoint, serving whatever <paramref name="provider"/> currently holds.</summary>
    public static ListenOptions UseGuardrailsTls(this ListenOptions listen, ServingCertificateProvider provider, TlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(options);
        return listen.UseHttps(https => https.ConfigureGuardrailsHttps(provider, options));
    }

    /// <summary>
    /// A certificate selector that reads <see cref="ServingCertificateProvider.Current"/> on every handshake, so a
    /// rotation needs no restart; and, with <see cref="TlsOptions.ClientCaFile"/>, a required client certificate that
    /// must chain to that CA.
    /// </summary>
    public static void ConfigureGuardrailsHttps(this HttpsConnectionAdapterOptions https, ServingCertificateProvider provider, TlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(https);
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(options);

        // Kestrel ignores ServerCertificate when a selector is set; cleared so nothing mistakes it for the served one.
        https.ServerCertificate = null;
        https.ServerCertificateSelector = (_, _) => provider.Current;

        if (options.ClientCaFile is null)
        {
            return;
        }

        if (!string.Equals(provider.ClientCaFile, options.ClientCaFile, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"{nameof(TlsOptions.ClientCaFile)} is '{options.ClientCaFile}' but the certificate provider was started with " +
                $"'{provider.ClientCaFile ?? "none"}'; start it with the same {nameof(TlsOptions)}.");
        }

        var verifier = new ClientCertificateVerifier(provider);
        https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
        https.CheckCertificateRevocation = false;
        https.ClientCertificateValidation = verifier.Verify;
    }
}
