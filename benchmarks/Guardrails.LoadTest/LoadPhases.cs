using System.Diagnostics;
using System.Net.Http.Headers;

namespace Guardrails.LoadTest;

/// <summary>Both phases are bounded in time and in count and stop by themselves.</summary>
internal static class LoadPhases
{
    public const int MaxRequestsPerPhase = 500_000;

    /// <summary>Closed loop: as fast as <paramref name="concurrency"/> keep-alive connections go, for <paramref name="duration"/>.</summary>
    public static async Task<(double Throughput, LatencyRecorder Latency)> SaturateAsync(HttpClient client, string path, byte[] body, int concurrency, TimeSpan duration)
    {
        var latency = new LatencyRecorder();
        var issued = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (clock.Elapsed < duration && Interlocked.Increment(ref issued) <= MaxRequestsPerPhase)
            {
                await SendAsync(client, path, body, latency, Stopwatch.GetTimestamp()).ConfigureAwait(false);
            }
        });
        await Task.WhenAll(workers).ConfigureAwait(false);
        return (latency.Count / clock.Elapsed.TotalSeconds, latency);
    }

    /// <summary>
    /// Open loop at a fixed rate: each request is timed from when it was due, not when it was sent, so a stall
    /// shows up in the percentiles instead of silently slowing the load (coordinated omission).
    /// </summary>
    public static async Task<LatencyRecorder> FixedRateAsync(HttpClient client, string path, byte[] body, int perSecond, TimeSpan duration)
    {
        var latency = new LatencyRecorder();
        var total = Math.Min(MaxRequestsPerPhase, (int)(perSecond * duration.TotalSeconds));
        var interval = Stopwatch.Frequency / (double)perSecond;
        var start = Stopwatch.GetTimestamp();
        var inFlight = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var due = start + (long)(i * interval);
            while (Stopwatch.GetTimestamp() < due)
            {
                var wait = (due - Stopwatch.GetTimestamp()) * 1000.0 / Stopwatch.Frequency;
                if (wait > 2)
                {
                    await Task.Delay(1).ConfigureAwait(false);
                }
                else
                {
                    Thread.SpinWait(50);
                }
            }

            inFlight.Add(SendAsync(client, path, body, latency, due));
        }

        await Task.WhenAll(inFlight).ConfigureAwait(false);
        return latency;
    }

    private static async Task SendAsync(HttpClient client, string path, byte[] body, LatencyRecorder latency, long startedAt)
    {
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync(path, content).ConfigureAwait(false);
            await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                latency.Record(Stopwatch.GetTimestamp() - startedAt);
            }
            else
            {
                latency.RecordError();
            }
        }
        catch (HttpRequestException)
        {
            latency.RecordError();
        }
        catch (TaskCanceledException)
        {
            latency.RecordError();
        }
    }
}
