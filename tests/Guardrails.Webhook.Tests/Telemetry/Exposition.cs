using System.Text;
using System.Text.RegularExpressions;

namespace Guardrails.Webhook.Tests.Telemetry;

/// <summary>
/// A strict reader for Prometheus text format 0.0.4: every line must be a HELP, a TYPE or a sample of the family the
/// last TYPE declared, each family declared once. Fails the test on the first line that is not.
/// </summary>
internal static partial class Exposition
{
    private const string MetricName = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private const string LabelName = "[a-zA-Z_][a-zA-Z0-9_]*";
    private const string LabelValue = """(?:[^"\\\n]|\\[\\"n])*""";

    public static IReadOnlyList<ExpositionSample> Parse(string text)
    {
        text.ShouldNotBeEmpty();
        text.ShouldEndWith("\n");

        var samples = new List<ExpositionSample>();
        var declared = new HashSet<string>(StringComparer.Ordinal);
        var helped = new HashSet<string>(StringComparer.Ordinal);
        string? family = null;
        string? familyType = null;

        foreach (var line in text[..^1].Split('\n'))
        {
            if (Help().Match(line) is { Success: true } help)
            {
                helped.Add(help.Groups["name"].Value).ShouldBeTrue($"second HELP for one family: {line}");
                continue;
            }

            if (Type().Match(line) is { Success: true } type)
            {
                family = type.Groups["name"].Value;
                familyType = type.Groups["type"].Value;
                declared.Add(family).ShouldBeTrue($"second TYPE for one family: {line}");
                continue;
            }

            var sample = Sample().Match(line);
            sample.Success.ShouldBeTrue($"not a valid exposition line: '{line}'");
            family.ShouldNotBeNull($"sample before any TYPE: {line}");

            var name = sample.Groups["name"].Value;
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match label in Label().Matches(sample.Groups["labels"].Value))
            {
                labels.TryAdd(label.Groups["key"].Value, Unescape(label.Groups["value"].Value)).ShouldBeTrue(line);
            }

            if (familyType == "histogram")
            {
                new[] { family + "_bucket", family + "_sum", family + "_count" }.ShouldContain(name, line);
                if (name.EndsWith("_bucket", StringComparison.Ordinal))
                {
                    labels.ShouldContainKey("le");
                }
            }
            else
            {
                name.ShouldBe(family, line);
            }

            samples.Add(new ExpositionSample(family, name, labels, sample.Groups["value"].Value));
        }

        return samples;
    }

    /// <summary>Each family's declared TYPE, from a scrape that <see cref="Parse"/> accepts.</summary>
    public static IReadOnlyDictionary<string, string> FamilyTypes(string text) =>
        text.Split('\n').Select(line => Type().Match(line)).Where(m => m.Success)
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["type"].Value, StringComparer.Ordinal);

    private static string Unescape(string value)
    {
        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\')
            {
                i++;
                builder.Append(value[i] == 'n' ? '\n' : value[i]);
            }
            else
            {
                builder.Append(value[i]);
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex($"""^# HELP (?<name>{MetricName}) (?:[^\\\n]|\\[\\n])*$""")]
    private static partial Regex Help();

    [GeneratedRegex($"^# TYPE (?<name>{MetricName}) (?<type>counter|gauge|histogram|summary|untyped)$")]
    private static partial Regex Type();

    [GeneratedRegex(
        $$"""^(?<name>{{MetricName}})(?:\{(?<labels>{{LabelName}}="{{LabelValue}}"(?:,{{LabelName}}="{{LabelValue}}")*)?\})? (?<value>[+-]?Inf|NaN|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?: -?\d+)?$""")]
    private static partial Regex Sample();

    [GeneratedRegex($"""(?<key>{LabelName})="(?<value>{LabelValue})""")]
    private static partial Regex Label();
}
