using System.Globalization;
using Guardrails.LoadTest;

// Load benchmark: HTTPS keep-alive load at /validate with a recorded Deployment, and in the same run at /floor
// (same server, same TLS and body read, a fixed allowed AdmissionReview): the floor.
// Usage: dotnet run -c Release --project benchmarks/Guardrails.LoadTest -- [--seconds N] [--connections N]
//    or: ... -- --provisioning [--requests N] [--api-latency-ms N]   (REST request to Ready against a fake API server)
//    or: ... -- --startup [--runs N] [--quotas N] [--floor]   (start-up timeline and RSS at ready, shipped packs; with
//                                                   --quotas also with N quotas watched from a fake API server; with
//                                                   --floor also an empty ASP.NET Core server with TLS, interleaved)
//    or: ... -- --logging [--seconds N] [--rounds N]  (default log levels against Warning, 1 and 8 connections, HTTP/1.1 and 2)
// The server is this repository published as the image publishes it (ReadyToRun); GUARDRAILS_DLL=/path/to/guardrails.dll
// starts another build (a baseline worktree's) instead, and for --startup GUARDRAILS_BASELINE_DLL adds one, interleaved.
if (args.Contains("--startup"))
{
    return await StartupBenchmark.RunAsync(FindRepo(), args.Contains("--quotas") ? ArgValue(args, "--quotas", 10_000) : null, ArgValue(args, "--runs", 5), args.Contains("--floor"));
}

if (args.Contains("--provisioning"))
{
    return await ProvisioningBenchmark.RunAsync(FindRepo(), ArgValue(args, "--requests", 40), TimeSpan.FromMilliseconds(ArgValue(args, "--api-latency-ms", 5)));
}

var seconds = ArgValue(args, "--seconds", 10);
var connections = ArgValue(args, "--connections", 16);
var repo = FindRepo();
var body = File.ReadAllBytes(Path.Combine(repo, "..", "shared", "fixtures", "admission", "v1.24", "raw", "20261121-131241-002-CREATE-Deployment-web.json"));
if (args.Contains("--logging"))
{
    return await LoggingBenchmark.RunAsync(repo, body, TimeSpan.FromSeconds(seconds), ArgValue(args, "--rounds", 3));
}

// The product's default settings, logging included: what the image and the chart run.
await using var server = await ServerProcess.StartAsync(new ServerStart(await GuardrailsBuild.ResolveAsync(repo), Path.Combine(repo, "policies")));
using var client = Clients.Create(server, connections);
var duration = TimeSpan.FromSeconds(seconds);
var invariant = CultureInfo.InvariantCulture;

Console.WriteLine($"# Guardrails load benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {connections} keep-alive HTTP/1.1 connections, {seconds}s per phase");
Console.WriteLine();
Console.WriteLine("| phase | endpoint | requests | errors | throughput (req/s) | p50 (ms) | p99 (ms) | p99.9 (ms) |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");

// Warm both endpoints first (JIT tiering, connection pool, TLS sessions), so neither is measured cold.
foreach (var path in new[] { "/floor", "/validate?timeout=10s", "/floor", "/validate?timeout=10s" })
{
    await LoadPhases.SaturateAsync(client, path, body, connections, TimeSpan.FromSeconds(2));
}

var results = new Dictionary<string, double>();
var lags = new Dictionary<string, double>();
foreach (var path in new[] { "/floor", "/validate?timeout=10s" })
{
    var (throughput, latency) = await LoadPhases.SaturateAsync(client, path, body, connections, duration);
    results[path] = throughput;
    Print("saturate", path, latency, throughput);
}

foreach (var path in new[] { "/floor", "/validate?timeout=10s" })
{
    var (latency, lag) = await LoadPhases.FixedRateAsync(client, path, body, 1000, duration);
    Print("1000 req/s", path, latency, latency.Count / duration.TotalSeconds);
    lags[path] = lag;
}

Console.WriteLine();
Console.WriteLine(string.Create(invariant, $"Pacer lag (max, how late the generator sent a request): /floor {lags["/floor"]:F2} ms, /validate {lags["/validate?timeout=10s"]:F2} ms."));
Console.WriteLine(string.Create(invariant, $"/validate throughput is {results["/validate?timeout=10s"] / results["/floor"] * 100:F1} % of the floor's."));
return 0;

void Print(string phase, string path, LatencyRecorder latency, double throughput) =>
    Console.WriteLine(string.Create(invariant, $"| {phase} | {path.Split('?')[0]} | {latency.Count} | {latency.Errors} | {throughput:F0} | {latency.PercentileMs(50):F3} | {latency.PercentileMs(99):F3} | {latency.PercentileMs(99.9):F3} |"));

static int ArgValue(string[] args, string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
}

static string FindRepo()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Guardrails.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("run from inside the repository");
}
