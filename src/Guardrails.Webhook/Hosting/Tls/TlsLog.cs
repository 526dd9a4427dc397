using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Hosting.Tls;

internal static partial class TlsLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Serving certificate {Subject} ({Thumbprint}) from {CertFile}, valid until {NotAfter:u}")]
    public static partial void ServingCertificateLoaded(this ILogger logger, string certFile, string subject, string thumbprint, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Reloaded serving certificate from {CertFile}: {OldThumbprint} -> {NewThumbprint}, valid until {NotAfter:u}; new TLS handshakes use it")]
    public static partial void ServingCertificateReloaded(this ILogger logger, string certFile, string oldThumbprint, string newThumbprint, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Changed certificate files not used, still serving {Thumbprint}: {Problem}")]
    public static partial void ServingCertificateReloadRejected(this ILogger logger, string thumbprint, string problem);

    [LoggerMessage(EventId = 2110, Level = LogLevel.Information, Message = "Generated self-signed CA {CaFile} ({Thumbprint}), valid until {NotAfter:u}")]
    public static partial void SelfSignedCaGenerated(this ILogger logger, string caFile, string thumbprint, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Warning, Message = "Self-signed CA {CaFile} expires on {NotAfter:u}; generating a new one, re-apply the webhook configuration so the API server trusts it")]
    public static partial void SelfSignedCaExpiring(this ILogger logger, string caFile, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 2112, Level = LogLevel.Information, Message = "Reusing self-signed serving certificate {CertFile} ({Thumbprint}), valid until {NotAfter:u}")]
    public static partial void SelfSignedServingReused(this ILogger logger, string certFile, string thumbprint, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 2113, Level = LogLevel.Information, Message = "Regenerating self-signed serving certificate {CertFile}: {Reason}")]
    public static partial void SelfSignedServingRegenerating(this ILogger logger, string certFile, string reason);

    [LoggerMessage(EventId = 2114, Level = LogLevel.Information, Message = "Generated self-signed serving certificate {CertFile} ({Thumbprint}), valid until {NotAfter:u}, for {Sans}")]
    public static partial void SelfSignedServingGenerated(this ILogger logger, string certFile, string thumbprint, DateTimeOffset notAfter, string sans);

    [LoggerMessage(EventId = 2120, Level = LogLevel.Information, Message = "Requiring client certificates issued by {ClientCaFile} ({Count} CA certificates)")]
    public static partial void ClientCaLoaded(this ILogger logger, string clientCaFile, int count);

    [LoggerMessage(EventId = 2121, Level = LogLevel.Warning, Message = "Changed client CA file not used, keeping the previous CAs: {Problem}")]
    public static partial void ClientCaReloadRejected(this ILogger logger, string problem);

    [LoggerMessage(EventId = 2122, Level = LogLevel.Warning, Message = "Rejected client certificate {Subject} ({Thumbprint}): {Reason}")]
    public static partial void ClientCertificateRejected(this ILogger logger, string subject, string thumbprint, string reason);

    [LoggerMessage(EventId = 2130, Level = LogLevel.Error, Message = "A certificate rotation handler failed")]
    public static partial void RotatedHandlerFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2131, Level = LogLevel.Error, Message = "Checking the TLS files for changes failed; will retry")]
    public static partial void ReloadCheckFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2140, Level = LogLevel.Debug, Message = "The start-up TLS handshake warm-up did not complete (the first real handshake pays in full): {Reason}")]
    public static partial void TlsWarmupFailed(this ILogger logger, string reason);
}
