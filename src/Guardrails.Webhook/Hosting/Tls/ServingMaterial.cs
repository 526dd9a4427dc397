using System.Security.Cryptography.X509Certificates;

namespace Guardrails.Webhook.Hosting.Tls;

/// <summary>What is served together: the certificate (with its key) and the CA bundle that callers should trust.</summary>
internal sealed record ServingMaterial(X509Certificate2 Certificate, string CaBundlePem);
