using System.Diagnostics;
using System.Net.Http.Headers;

namespace Guardrails.LoadTest;

/// <summary>Both phases are bounded in time and in count and stop by themselves.</summary>
internal static class LoadPhases
{
    public const int MaxRequestsPerPhase = 500_000;

    /// <summary>Closed loop: as fast as <paramref name="concurrency"/> keep-alive connections go, for <paramref name="duration"/>.</summary>
    public static Task<(double Throughput, LatencyRecorder Latency)> SaturateAsync(HttpClient client, string path, byte[] body, int concurrency, TimeSpan duration) =>
        SaturateAsync(Enumerable.Repeat(client, concurrency).ToList(), path, body, duration);

    /// <summary>Closed loop with one worker per client (each client its own connection).</summary>
    public static async Task<(double Throughput, LatencyRecorder Latency)> SaturateAsync(IReadOnlyList<HttpClient> clients, string path, byte[] body, TimeSpan duration)
    {
        var latency = new LatencyRecorder();
        var issued = 0;
        var clock = Stopwatch.StartNew();
        var workers = clients.Select(async client =>
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
    /// Open loop at a fixed rate: requests go out on schedule whether or not earlier ones have answered. Each is
    /// timed from the moment it is sent, as the apiserver would time it; how late the pacer itself ran (it sleeps
    /// 1 ms between bursts rather than spinning on one of the two cores) is returned separately.
    /// </summary>
    public static async Task<(LatencyRecorder Latency, double MaxPacerLagMs)> FixedRateAsync(HttpClient client, string path, byte[] body, int perSecond, TimeSpan duration)
    {
        var latency = new LatencyRecorder();
        var total = Math.Min(MaxRequestsPerPhase, (int)(perSecond * duration.TotalSeconds));
        var interval = Stopwatch.Frequency / (double)perSecond;
        var inFlight = new List<Task>(total);
        long maxLag = 0;
        var pacer = new Thread(() =>
        {
            var start = Stopwatch.GetTimestamp();
            var sent = 0;
            while (sent < total)
            {
                var now = Stopwatch.GetTimestamp();
                var due = (int)Math.Min(total, ((now - start) / interval) + 1);
                for (; sent < due; sent++)
                {
                    maxLag = Math.Max(maxLag, now - (start + (long)(sent * interval)));
                    inFlight.Add(SendAsync(client, path, body, latency, Stopwatch.GetTimestamp()));
                }

                Thread.Sleep(1);
            }
        })
        { IsBackground = true, Name = "pacer" };
        pacer.Start();
        pacer.Join();
        await Task.WhenAll(inFlight).ConfigureAwait(false);
        return (latency, maxLag * 1000.0 / Stopwatch.Frequency);
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
