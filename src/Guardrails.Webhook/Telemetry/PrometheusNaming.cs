using System.Globalization;
using System.Text;

namespace Guardrails.Webhook.Telemetry;

/// <summary>
/// OpenTelemetry to Prometheus name translation, after the OTel "Prometheus and OpenMetrics Compatibility" spec:
/// invalid characters become <c>_</c>, the unit becomes a suffix (<c>s</c> → <c>_seconds</c>, <c>{annotations}</c>
/// dropped) and monotonic sums end in <c>_total</c>.
/// </summary>
internal static class PrometheusNaming
{
    private static readonly Dictionary<string, string> Units = new(StringComparer.Ordinal)
    {
        ["d"] = "days",
        ["h"] = "hours",
        ["min"] = "minutes",
        ["s"] = "seconds",
        ["ms"] = "milliseconds",
        ["us"] = "microseconds",
        ["ns"] = "nanoseconds",
        ["By"] = "bytes",
        ["KiBy"] = "kibibytes",
        ["MiBy"] = "mebibytes",
        ["GiBy"] = "gibibytes",
        ["TiBy"] = "tibibytes",
        ["KBy"] = "kilobytes",
        ["MBy"] = "megabytes",
        ["GBy"] = "gigabytes",
        ["TBy"] = "terabytes",
        ["m"] = "meters",
        ["V"] = "volts",
        ["A"] = "amperes",
        ["J"] = "joules",
        ["W"] = "watts",
        ["g"] = "grams",
        ["Cel"] = "celsius",
        ["Hz"] = "hertz",
        ["%"] = "percent",
    };

    // The denominator of a rate reads in the singular: bytes_per_second.
    private static readonly Dictionary<string, string> PerUnits = new(StringComparer.Ordinal)
    {
        ["s"] = "second",
        ["m"] = "minute",
        ["h"] = "hour",
        ["d"] = "day",
        ["w"] = "week",
        ["mo"] = "month",
        ["y"] = "year",
    };

    /// <summary>The family name: what <c># TYPE</c> names, before any <c>_bucket</c>/<c>_sum</c>/<c>_count</c>.</summary>
    public static string MetricName(string name, string? unit, PrometheusType type)
    {
        var result = Sanitize(name, allowColon: true);
        var suffix = UnitSuffix(unit, type);
        if (suffix.Length > 0 && !result.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            result = result + "_" + suffix;
        }

        if (type == PrometheusType.Counter && !result.EndsWith("_total", StringComparison.Ordinal))
        {
            result += "_total";
        }

        return result;
    }

    public static string LabelName(string key) => Sanitize(key, allowColon: false);

    internal static string UnitSuffix(string? unit, PrometheusType type)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return string.Empty;
        }

        var bare = RemoveAnnotations(unit).Trim();
        if (bare.Length == 0)
        {
            return string.Empty;
        }

        if (bare == "1")
        {
            // A dimensionless gauge is a ratio; a dimensionless counter is just a count.
            return type == PrometheusType.Gauge ? "ratio" : string.Empty;
        }

        var slash = bare.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return SanitizeSuffix(Units.GetValueOrDefault(bare, bare));
        }

        var numerator = bare[..slash].Trim();
        var denominator = bare[(slash + 1)..].Trim();
        var left = numerator.Length == 0 ? string.Empty : SanitizeSuffix(Units.GetValueOrDefault(numerator, numerator));
        var right = denominator.Length == 0 ? string.Empty : SanitizeSuffix(PerUnits.GetValueOrDefault(denominator, denominator));
        if (right.Length == 0)
        {
            return left;
        }

        return left.Length == 0 ? "per_" + right : left + "_per_" + right;
    }

    private static string RemoveAnnotations(string unit)
    {
        if (!unit.Contains('{', StringComparison.Ordinal))
        {
            return unit;
        }

        var builder = new StringBuilder(unit.Length);
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string SanitizeSuffix(string suffix) => Sanitize(suffix, allowColon: false).Trim('_');

    /// <summary>
    /// Replaces every character outside <c>[a-zA-Z0-9_]</c> (plus <c>:</c> in metric names) with <c>_</c>, collapses
    /// runs of <c>_</c>, and prefixes a leading digit so the result always matches the exposition grammar.
    /// </summary>
    private static string Sanitize(string name, bool allowColon)
    {
        if (name.Length == 0)
        {
            return "_";
        }

        var builder = new StringBuilder(name.Length + 1);
        if (char.IsAsciiDigit(name[0]))
        {
            builder.Append('_');
        }

        foreach (var c in name)
        {
            var valid = char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':');
            var next = valid ? c : '_';
            if (next == '_' && builder.Length > 0 && builder[^1] == '_')
            {
                continue;
            }

            builder.Append(next);
        }

        return builder.ToString();
    }

    /// <summary>
    /// Shortest round-trip digits, but positional rather than scientific for the magnitudes metrics actually have,
    /// so a bucket bound reads <c>le="0.00005"</c> rather than <c>le="5E-05"</c>.
    /// </summary>
    public static string FormatDouble(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsPositiveInfinity(value))
        {
            return "+Inf";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "-Inf";
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return text;
        }

        var exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        if (exponent is < -24 or > 24)
        {
            return text;
        }

        var mantissa = text.AsSpan(0, e);
        var negative = mantissa[0] == '-';
        if (negative)
        {
            mantissa = mantissa[1..];
        }

        var point = mantissa.IndexOf('.');
        var digits = point < 0 ? mantissa.ToString() : string.Concat(mantissa[..point], mantissa[(point + 1)..]);
        var position = (point < 0 ? mantissa.Length : point) + exponent;

        var builder = new StringBuilder(digits.Length + Math.Abs(exponent) + 3);
        if (negative)
        {
            builder.Append('-');
        }

        if (position <= 0)
        {
            builder.Append("0.").Append('0', -position).Append(digits);
        }
        else if (position >= digits.Length)
        {
            builder.Append(digits).Append('0', position - digits.Length);
        }
        else
        {
            builder.Append(digits, 0, position).Append('.').Append(digits, position, digits.Length - position);
        }

        return builder.ToString();
    }
}
