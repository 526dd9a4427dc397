using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Guardrails.Webhook.Telemetry;

/// <summary>
/// Pull-only exporter: the SDK hands it a batch only while a scrape is collecting, and it turns that batch into the
/// response body. Stands in for OpenTelemetry.Exporter.Prometheus.AspNetCore until that package can be used.
/// </summary>
[ExportModes(ExportModes.Pull)]
internal sealed class PrometheusTextExporter : BaseExporter<Metric>, IPullMetricExporter
{
    private readonly SemaphoreSlim _scrapeLock = new(1, 1);
    private readonly StringBuilder _text = new();
    private readonly PrometheusTextSerializer _serializer = new();
    private readonly TimeSpan _scrapeTimeout;
    private byte[]? _rendered;

    public PrometheusTextExporter(TimeSpan scrapeTimeout)
    {
        _scrapeTimeout = scrapeTimeout;
    }

    /// <summary>Set by the reader; it wraps <c>MetricReader.Collect</c> in the scope a pull-only reader insists on.</summary>
    public Func<int, bool>? Collect { get; set; }

    public override ExportResult Export(in Batch<Metric> batch)
    {
        _text.Clear();
        _serializer.Write(_text, batch);

        _rendered = Encoding.UTF8.GetBytes(_text.ToString());
        return ExportResult.Success;
    }

    /// <summary>
    /// Collects and renders, one scrape at a time. Null when the lock or the collection timed out, or the provider is gone.
    /// </summary>
    /// <remarks>
    /// Serialising is not optional: concurrent <c>MetricReader.Collect</c> calls are folded into one, so an unlucky
    /// caller would return without <see cref="Export"/> ever having run for it.
    /// </remarks>
    public async Task<byte[]?> ScrapeAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!await _scrapeLock.WaitAsync(_scrapeTimeout, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }
        catch (ObjectDisposedException)
        {
            return null;
        }

        try
        {
            var collect = Collect;
            if (collect is null)
            {
                return null;
            }

            _rendered = null;
            var collected = collect((int)_scrapeTimeout.TotalMilliseconds);
            var rendered = _rendered;
            _rendered = null;
            return collected ? rendered : null;
        }
        finally
        {
            _scrapeLock.Release();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _scrapeLock.Dispose();
        }

        base.Dispose(disposing);
    }
}
