using System.Diagnostics;

namespace Guardrails.LoadTest;

/// <summary>Keeps every latency of a bounded run (at most a few hundred thousand) so percentiles are exact, not bucketed.</summary>
internal sealed class LatencyRecorder
{
    private readonly List<long> _ticks = new(capacity: 200_000);
    private readonly Lock _lock = new();
    private int _errors;

    public int Errors => _errors;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _ticks.Count;
            }
        }
    }

    public void Record(long elapsedTicks)
    {
        lock (_lock)
        {
            _ticks.Add(elapsedTicks);
        }
    }

    public void RecordError() => Interlocked.Increment(ref _errors);

    public double PercentileMs(double percentile)
    {
        lock (_lock)
        {
            if (_ticks.Count == 0)
            {
                return double.NaN;
            }

            _ticks.Sort();
            var index = (int)Math.Ceiling(percentile / 100 * _ticks.Count) - 1;
            return _ticks[Math.Clamp(index, 0, _ticks.Count - 1)] * 1000.0 / Stopwatch.Frequency;
        }
    }
}
