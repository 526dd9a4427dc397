using System.Globalization;
using System.Net;

namespace Guardrails.LoadTest;

/// <summary>
/// What the product's default logging costs under load: two servers of the same build, one with the default log
/// levels (what the image and the chart run), one with <c>Logging__LogLevel__Default=Warning</c> (no decision lines),
/// saturated in turn (the order swapped every round) on 1 and on 8 connections, over HTTP/1.1 and HTTP/2. The ratio is
/// the median default throughput over the median Warning throughput of the same configuration.
/// </summary>
internal static class LoggingBenchmark
{
    private const string Path = "/validate?timeout=10s";

    public static async Task<int> RunAsync(string repo, byte[] body, TimeSpan duration, int rounds)
    {
        var invariant = CultureInfo.InvariantCulture;
        var dll = await GuardrailsBuild.ResolveAsync(repo);
        var policies = System.IO.Path.Combine(repo, "policies");
        await using var defaults = await ServerProcess.StartAsync(new ServerStart(dll, policies));
        await using var warning = await ServerProcess.StartAsync(new ServerStart(dll, policies) { LogLevel = "Warning" });
        var servers = new[] { ("default", defaults), ("Warning", warning) };

        Console.WriteLine($"# logging under load, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {StartupBenchmark.LoadAverage()}, {dll}");
        Console.WriteLine(string.Create(invariant, $"# saturate /validate for {duration.TotalSeconds:F0} s per phase, {rounds} rounds, default and Warning alternately"));
        Console.WriteLine();
        Console.WriteLine("| protocol | connections | round | logging | requests | errors | throughput (req/s) | p50 (ms) | p99 (ms) | log lines per request | server CPU per request (µs) |");
        Console.WriteLine("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        var summary = new List<string>();
        foreach (var version in new[] { HttpVersion.Version11, HttpVersion.Version20 })
        {
            foreach (var connections in new[] { 1, 8 })
            {
                var clients = servers.ToDictionary(s => s.Item1, s => Clients.PerConnection(s.Item2, connections, version));
                try
                {
                    foreach (var (name, _) in servers)
                    {
                        await LoadPhases.SaturateAsync(clients[name], Path, body, TimeSpan.FromSeconds(2));
                    }

                    var throughput = servers.ToDictionary(s => s.Item1, _ => new List<double>());
                    var cpu = servers.ToDictionary(s => s.Item1, _ => new List<double>());
                    for (var round = 1; round <= rounds; round++)
                    {
                        foreach (var (name, server) in round % 2 == 1 ? servers : servers.Reverse())
                        {
                            var linesBefore = server.Output.Lines;
                            var cpuBefore = server.CpuTime();
                            var (rate, latency) = await LoadPhases.SaturateAsync(clients[name], Path, body, duration);
                            throughput[name].Add(rate);
                            var perRequest = latency.Count == 0 ? 0 : (server.Output.Lines - linesBefore) / (double)latency.Count;
                            var cpuPerRequest = latency.Count == 0 ? 0 : (server.CpuTime() - cpuBefore).TotalMicroseconds / latency.Count;
                            cpu[name].Add(cpuPerRequest);
                            Console.WriteLine(string.Create(invariant, $"| HTTP/{version} | {connections} | {round} | {name} | {latency.Count} | {latency.Errors} | {rate:F0} | {latency.PercentileMs(50):F3} | {latency.PercentileMs(99):F3} | {perRequest:F2} | {cpuPerRequest:F1} |"));
                        }
                    }

                    var ratio = StartupBenchmark.Median(throughput["default"]) / StartupBenchmark.Median(throughput["Warning"]);
                    var cpuDefault = StartupBenchmark.Median(cpu["default"]);
                    var cpuWarning = StartupBenchmark.Median(cpu["Warning"]);
                    summary.Add(string.Create(invariant, $"| HTTP/{version} | {connections} | {StartupBenchmark.Median(throughput["default"]):F0} | {StartupBenchmark.Median(throughput["Warning"]):F0} | **{ratio:P1}** | {(ratio >= 0.9 ? "yes" : "no")} | {cpuDefault:F1} | {cpuWarning:F1} | {cpuDefault - cpuWarning:F1} |"));
                }
                finally
                {
                    foreach (var list in clients.Values)
                    {
                        foreach (var client in list)
                        {
                            client.Dispose();
                        }
                    }
                }
            }
        }

        Console.WriteLine();
        // Issue 15's target: the default reaches within 10 % of Warning, on one connection and on eight.
        // Server CPU per request (user + system, all threads, from /proc) moves far less with the machine's load than
        // throughput does: the difference is what the decision line costs the server, whoever else runs.
        Console.WriteLine("| protocol | connections | default (req/s, median) | Warning (req/s, median) | default / Warning | within 10 % | default CPU/request (µs, median) | Warning CPU/request (µs, median) | logging's CPU/request (µs) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---|---:|---:|---:|");
        foreach (var line in summary)
        {
            Console.WriteLine(line);
        }

        Console.WriteLine();
        Console.WriteLine($"# load average at the end {StartupBenchmark.LoadAverage()}; ratios from one run on a shared machine are noise-bound, re-run on a quiet one");

        return 0;
    }
}
