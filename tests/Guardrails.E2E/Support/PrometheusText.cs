using System.Globalization;
using System.Text.RegularExpressions;

namespace Guardrails.E2E.Support;

/// <summary>Just enough of the Prometheus text format to read Guardrails' own counters back.</summary>
internal static partial class PrometheusText
{
    /// <summary>Sum of the samples of <paramref name="metric"/> whose labels include every one of <paramref name="labels"/>.</summary>
    public static double Sum(string exposition, string metric, IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(exposition);
        ArgumentNullException.ThrowIfNull(labels);
        var total = 0.0;
        foreach (var line in exposition.Split('\n'))
        {
            var sample = Sample().Match(line.TrimEnd('\r'));
            if (!sample.Success || sample.Groups["name"].Value != metric)
            {
                continue;
            }

            var present = Label().Matches(sample.Groups["labels"].Value)
                .ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value, StringComparer.Ordinal);
            if (labels.All(l => present.TryGetValue(l.Key, out var value) && value == l.Value))
            {
                total += double.Parse(sample.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Sample();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""", RegexOptions.CultureInvariant)]
    private static partial Regex Label();
}
