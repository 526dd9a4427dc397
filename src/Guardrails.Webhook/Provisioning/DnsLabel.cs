using System.Text.RegularExpressions;

namespace Guardrails.Webhook.Provisioning;

/// <summary>RFC 1123 labels, the form Kubernetes requires of namespace names and therefore of teams and environment names.</summary>
internal static partial class DnsLabel
{
    public const int MaxLength = 63;

    public const string Description = "a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";

    public static bool IsValid([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? value) =>
        value is { Length: > 0 and <= MaxLength } && Pattern().IsMatch(value);

    /// <summary>The label's characters and ends, without its length limit (serve's <c>--namespace</c> has always been checked so).</summary>
    public static bool HasLabelShape(string value) => Pattern().IsMatch(value);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
