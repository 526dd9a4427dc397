namespace Guardrails.E2E.Support;

/// <summary>A serving certificate and key for <c>--tls-cert-file</c>/<c>--tls-key-file</c>, and the CA that signed them.</summary>
internal sealed record CertificateFiles(string CertFile, string KeyFile, string CaFile);
