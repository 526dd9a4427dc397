using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Guardrails.Webhook.Telemetry;

/// <summary>
/// Renders OpenTelemetry metrics as Prometheus text exposition format 0.0.4. Samples carry no timestamp: Prometheus
/// stamps them with the scrape time, which is when the SDK collected them anyway.
/// </summary>
internal sealed class PrometheusTextSerializer
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    // Reused across scrapes; the serializer only ever runs under the exporter's scrape lock.
    private readonly List<KeyValuePair<string, string>> _labels = [];
    private readonly List<string> _familyOrder = [];
    private readonly Dictionary<string, List<Metric>> _families = new(StringComparer.Ordinal);

    /// <summary>
    /// Writes every metric of the batch, grouped by Prometheus name. Two streams can share a name (two meters with
    /// the same name, or names that only differ in what sanitising removes) and a family may be declared only once,
    /// with its samples together, or Prometheus rejects the whole scrape.
    /// </summary>
    public void Write(StringBuilder output, in Batch<Metric> batch)
    {
        ArgumentNullException.ThrowIfNull(output);

        _familyOrder.Clear();
        _families.Clear();
        foreach (var metric in batch)
        {
            if (TypeOf(metric.MetricType) is not { } type)
            {
                // Exponential histograms have no 0.0.4 representation.
                continue;
            }

            var name = PrometheusNaming.MetricName(metric.Name, metric.Unit, type);
            if (!_families.TryGetValue(name, out var members))
            {
                members = [];
                _families.Add(name, members);
                _familyOrder.Add(name);
            }

            members.Add(metric);
        }

        foreach (var name in _familyOrder)
        {
            WriteFamily(output, name, _families[name]);
        }

        // Metrics belong to the provider; holding on to them would keep streams it has since dropped alive until the next scrape.
        _familyOrder.Clear();
        _families.Clear();
    }

    private void WriteFamily(StringBuilder output, string name, List<Metric> members)
    {
        var type = TypeOf(members[0].MetricType)!.Value;
        var headerWritten = false;
        foreach (var metric in members)
        {
            if (TypeOf(metric.MetricType) != type)
            {
                // One name cannot be both, say, a counter and a histogram; the first stream keeps it.
                continue;
            }

            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                if (!headerWritten)
                {
                    WriteHeader(output, name, members[0].Description, type);
                    headerWritten = true;
                }

                CollectLabels(point);
                switch (metric.MetricType)
                {
                    case MetricType.LongSum:
                    case MetricType.LongSumNonMonotonic:
                        WriteSample(output, name, point.GetSumLong().ToString(CultureInfo.InvariantCulture));
                        break;
                    case MetricType.DoubleSum:
                    case MetricType.DoubleSumNonMonotonic:
                        WriteSample(output, name, PrometheusNaming.FormatDouble(point.GetSumDouble()));
                        break;
                    case MetricType.LongGauge:
                        WriteSample(output, name, point.GetGaugeLastValueLong().ToString(CultureInfo.InvariantCulture));
                        break;
                    case MetricType.DoubleGauge:
                        WriteSample(output, name, PrometheusNaming.FormatDouble(point.GetGaugeLastValueDouble()));
                        break;
                    case MetricType.Histogram:
                        WriteHistogram(output, name, point);
                        break;
                    default:
                        break;
                }
            }
        }
    }

    private static PrometheusType? TypeOf(MetricType type) => type switch
    {
        MetricType.LongSum or MetricType.DoubleSum => PrometheusType.Counter,

        // Up/down counters can fall, which a Prometheus counter must never do.
        MetricType.LongSumNonMonotonic or MetricType.DoubleSumNonMonotonic => PrometheusType.Gauge,
        MetricType.LongGauge or MetricType.DoubleGauge => PrometheusType.Gauge,
        MetricType.Histogram => PrometheusType.Histogram,
        _ => null,
    };

    private static void WriteHeader(StringBuilder output, string name, string? description, PrometheusType type)
    {
        if (!string.IsNullOrEmpty(description))
        {
            output.Append("# HELP ").Append(name).Append(' ');
            foreach (var c in description)
            {
                _ = c switch
                {
                    '\\' => output.Append(@"\\"),
                    '\n' => output.Append(@"\n"),
                    _ => output.Append(c),
                };
            }

            output.Append('\n');
        }

        output.Append("# TYPE ").Append(name).Append(' ').Append(type switch
        {
            PrometheusType.Counter => "counter",
            PrometheusType.Gauge => "gauge",
            _ => "histogram",
        }).Append('\n');
    }

    private void WriteHistogram(StringBuilder output, string name, in MetricPoint point)
    {
        var bucketName = name + "_bucket";
        long cumulative = 0;
        foreach (var bucket in point.GetHistogramBuckets())
        {
            // The SDK reports each bucket's own count; Prometheus buckets count everything at or below the bound.
            cumulative += bucket.BucketCount;
            _labels.Add(new KeyValuePair<string, string>("le", PrometheusNaming.FormatDouble(bucket.ExplicitBound)));
            WriteSample(output, bucketName, cumulative.ToString(CultureInfo.InvariantCulture));
            _labels.RemoveAt(_labels.Count - 1);
        }

        WriteSample(output, name + "_sum", PrometheusNaming.FormatDouble(point.GetHistogramSum()));
        WriteSample(output, name + "_count", point.GetHistogramCount().ToString(CultureInfo.InvariantCulture));
    }

    private void CollectLabels(in MetricPoint point)
    {
        _labels.Clear();
        foreach (var tag in point.Tags)
        {
            _labels.Add(new KeyValuePair<string, string>(PrometheusNaming.LabelName(tag.Key), FormatLabelValue(tag.Value)));
        }

        // A fixed order keeps the series text stable no matter how the SDK stored the tags.
        _labels.Sort(static (a, b) =>
        {
            var byKey = string.CompareOrdinal(a.Key, b.Key);
            return byKey != 0 ? byKey : string.CompareOrdinal(a.Value, b.Value);
        });

        // Keys that only differed in characters sanitising replaced (k8s.pod and k8s_pod) would repeat a label name,
        // which invalidates the line; the spec joins their values with ';' instead.
        for (var i = _labels.Count - 1; i > 0; i--)
        {
            if (_labels[i].Key == _labels[i - 1].Key)
            {
                _labels[i - 1] = new KeyValuePair<string, string>(_labels[i].Key, _labels[i - 1].Value + ";" + _labels[i].Value);
                _labels.RemoveAt(i);
            }
        }
    }

    private static string FormatLabelValue(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        bool b => b ? "true" : "false",
        double d => PrometheusNaming.FormatDouble(d),
        float f => PrometheusNaming.FormatDouble(f),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private void WriteSample(StringBuilder output, string name, string value)
    {
        output.Append(name);
        if (_labels.Count > 0)
        {
            output.Append('{');
            for (var i = 0; i < _labels.Count; i++)
            {
                if (i > 0)
                {
                    output.Append(',');
                }

                output.Append(_labels[i].Key).Append("=\"");
                foreach (var c in _labels[i].Value)
                {
                    _ = c switch
                    {
                        '\\' => output.Append(@"\\"),
                        '"' => output.Append("\\\""),
                        '\n' => output.Append(@"\n"),
                        _ => output.Append(c),
                    };
                }

                output.Append('"');
            }

            output.Append('}');
        }

        output.Append(' ').Append(value).Append('\n');
    }
}
