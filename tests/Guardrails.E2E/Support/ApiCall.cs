using System.Globalization;
using System.Text.RegularExpressions;

namespace Guardrails.E2E.Support;

/// <summary>One HTTP round trip kubectl made to the apiserver, as its <c>-v=6</c> log reports it.</summary>
internal sealed partial record ApiCall(string Method, string Url, string Status, TimeSpan Duration)
{
    /// <summary>Every request line in kubectl's stderr; none when kubectl ran without <c>-v=6</c> or its log format changes.</summary>
    public static IReadOnlyList<ApiCall> Parse(string stderr) =>
        [.. RequestLine().Matches(stderr).Select(m => new ApiCall(
            m.Groups["method"].Value,
            m.Groups["url"].Value,
            m.Groups["status"].Value.Trim(),
            TimeSpan.FromMilliseconds(long.Parse(m.Groups["ms"].Value, CultureInfo.InvariantCulture))))];

    public override string ToString() =>
        $"{Method} {PathOf(Url)} {Status} in {Duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms";

    // The query string (fieldManager, dryRun...) is noise in a timing line; the path says which object was sent.
    private static string PathOf(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath + (uri.Query.Contains("dryRun", StringComparison.Ordinal) ? " (dry run)" : "") : url;

    // kubectl 1.2x: "round_trippers.go:560] POST https://host/api/v1/namespaces/x/pods?... 403 Forbidden in 12 milliseconds"
    [GeneratedRegex(@"\] (?<method>GET|POST|PUT|PATCH|DELETE) (?<url>\S+) (?<status>\d{3}[^\n]*?) in (?<ms>\d+) milliseconds", RegexOptions.CultureInvariant)]
    private static partial Regex RequestLine();
}
