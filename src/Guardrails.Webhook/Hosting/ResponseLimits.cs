namespace Guardrails.Webhook.Hosting;

/// <summary>
/// How much of a verdict an answer spells out. Every answer stays under <see cref="MaxResponseBytes"/> whatever the
/// input: a Pod with a thousand bad containers still gets every count, but not a megabyte of text.
/// </summary>
public static class ResponseLimits
{
    /// <summary>The promise: no response body is larger than this.</summary>
    public const int MaxResponseBytes = 256 * 1024;

    /// <summary>Enforce violations written out in full in an admission denial message; the rest are counted.</summary>
    public const int MaxViolationsInMessage = 20;

    /// <summary>Warnings returned to kubectl; the rest are counted in the last one.</summary>
    public const int MaxWarnings = 20;

    /// <summary>Characters of a field path or an actual value, which come from the request.</summary>
    public const int MaxValueChars = 256;

    /// <summary>Characters of a message or a fix, which quote the request's values.</summary>
    public const int MaxMessageChars = 1024;

    /// <summary>What the dry-run door writes before it stops listing violations and only counts them.</summary>
    public const int DryRunBudgetBytes = 192 * 1024;

    /// <summary>A /mutate patch larger than this is not sent (the defaults are not applied, and a warning says so).</summary>
    public const int MaxPatchBytes = 128 * 1024;
}
