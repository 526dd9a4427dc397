namespace Guardrails.Webhook.Hosting.Tls;

/// <summary>Where the serving certificate comes from and what a generated one must cover.</summary>
public sealed record TlsOptions
{
    /// <summary>PEM serving certificate (leaf first, then any intermediates). Unset: a self-signed pair in <see cref="DataDirectory"/>.</summary>
    public string? CertFile { get; init; }

    /// <summary>PEM private key of <see cref="CertFile"/>. Unset with a cert file set: the key is read from the cert file.</summary>
    public string? KeyFile { get; init; }

    /// <summary>PEM CA bundle that callers' client certificates must chain to. Unset: no client certificate is asked for.</summary>
    public string? ClientCaFile { get; init; }

    /// <summary>Holds the generated <c>ca.crt</c>, <c>ca.key</c>, <c>tls.crt</c> and <c>tls.key</c> when no cert file is configured.</summary>
    public required string DataDirectory { get; init; }

    public string ServiceName { get; init; } = "guardrails";

    public string ServiceNamespace { get; init; } = "guardrails";

    /// <summary>More subject alternative names for a generated certificate: DNS names or IP literals.</summary>
    public IReadOnlyList<string> ExtraSans { get; init; } = [];

    /// <summary>How often the certificate files are checked for changes.</summary>
    public TimeSpan ReloadInterval { get; init; } = TimeSpan.FromSeconds(1);
}
