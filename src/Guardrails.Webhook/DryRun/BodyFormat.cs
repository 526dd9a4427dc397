using Guardrails.Policies.Resources;
using Guardrails.Webhook.Admission;

namespace Guardrails.Webhook.DryRun;

/// <summary>What the dry-run door reads a body as: the Content-Type says, and nothing is guessed.</summary>
public static class BodyFormat
{
    public const string Accepted = "application/json or application/yaml (also application/x-yaml, text/yaml, application/*+json, application/*+yaml)";

    /// <returns>Null for any other media type (answered with 415).</returns>
    public static ManifestFormat? FromContentType(string? contentType)
    {
        if (contentType is null)
        {
            return null;
        }

        if (AdmissionEndpoints.IsJson(contentType))
        {
            return ManifestFormat.Json;
        }

        var media = contentType.Split(';', 2)[0].Trim();
        return media.Equals("application/yaml", StringComparison.OrdinalIgnoreCase)
            || media.Equals("application/x-yaml", StringComparison.OrdinalIgnoreCase)
            || media.Equals("text/yaml", StringComparison.OrdinalIgnoreCase)
            || media.Equals("text/x-yaml", StringComparison.OrdinalIgnoreCase)
            || media.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.EndsWith("+yaml", StringComparison.OrdinalIgnoreCase)
            ? ManifestFormat.Yaml
            : null;
    }
}
