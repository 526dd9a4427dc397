using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Guardrails.LoadTest;

/// <summary>The real <c>guardrails serve</c> in its own process on 127.0.0.1, so client and server do not share a GC.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDir;
    private readonly Task _pump;

    private ServerProcess(Process process, string dataDir, Uri address, DateTime startedAt, ServerOutput output, Task pump)
    {
        _process = process;
        _dataDir = dataDir;
        Address = address;
        StartedAt = startedAt;
        Output = output;
        _pump = pump;
    }

    public Uri Address { get; }

    public string CaBundlePath => Path.Combine(_dataDir, "ca.crt");

    /// <summary>Wall clock just before the benchmark asked the OS to start the process.</summary>
    public DateTime StartedAt { get; }

    /// <summary>Wall clock when the first 200 from <c>/readyz</c> arrived.</summary>
    public DateTime ReadyAt { get; private set; }

    /// <summary>From process start to the first 200 from <c>/readyz</c> (policy loaded, caches synced).</summary>
    public TimeSpan TimeToReady => ReadyAt - StartedAt;

    /// <summary>Resident set size read right after the first 200 from <c>/readyz</c>.</summary>
    public long ResidentAtReady { get; private set; }

    /// <summary>CPU time (user + system, all threads) the server had used at the first 200 from <c>/readyz</c>: on a shared machine a steadier measure of start-up work than the wall clock.</summary>
    public TimeSpan CpuAtReady { get; private set; }

    public ServerOutput Output { get; }

    /// <summary>User + system CPU time so far, from /proc/&lt;pid&gt;/stat (Linux; clock ticks of 10 ms).</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    /// <summary>Resident set size now, from /proc (Linux).</summary>
    public long ResidentBytes() => Status("VmRSS:");

    /// <summary>The part of the resident set backed by files (mapped assemblies and the runtime), from /proc (Linux).</summary>
    public long ResidentFileBytes() => Status("RssFile:");

    private long Status(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"no {field} in /proc status");
    }

    public static async Task<ServerProcess> StartAsync(ServerStart settings)
    {
        var port = FreePort();
        var dataDir = Directory.CreateTempSubdirectory("guardrails-load-").FullName;
        // A self-contained publish (the runtime beside the app) starts through its own executable, as the image does.
        var selfContained = File.Exists(Path.Combine(Path.GetDirectoryName(settings.Dll) ?? ".", "libcoreclr.so"));
        var start = new ProcessStartInfo(selfContained ? Path.ChangeExtension(settings.Dll, null) : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in (selfContained ? [] : new[] { settings.Dll }).Concat(new[]
        {
            "serve",
            "--urls", $"https://127.0.0.1:{port}", "--policies", settings.Policies, "--data-dir", dataDir,
            "--no-manifests", "--enable-floor-endpoint",
        }).Concat(settings.Arguments))
        {
            start.ArgumentList.Add(arg);
        }

        // The benchmark's own environment must not leak into the server's defaults.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Logging__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        if (settings.LogLevel is { } level)
        {
            start.Environment["Logging__LogLevel__Default"] = level;
        }

        start.Environment["GUARDRAILS_STARTUP_TIMELINE"] = "1";

        var output = new ServerOutput();
        var startedAt = DateTime.UtcNow;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start guardrails");
        var pump = Task.WhenAll(output.PumpAsync(process.StandardError.BaseStream), process.StandardOutput.BaseStream.CopyToAsync(Stream.Null));
        var server = new ServerProcess(process, dataDir, new Uri($"https://127.0.0.1:{port}"), startedAt, output, pump);
        try
        {
            await server.WaitReadyAsync().ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        await _pump.ConfigureAwait(false);
        _process.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }

    private async Task WaitReadyAsync()
    {
        using var client = Clients.Create(this, connections: 1);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                await _pump.ConfigureAwait(false);
                throw new InvalidOperationException($"guardrails exited with {_process.ExitCode}:{Environment.NewLine}{Output.FirstLines}");
            }

            try
            {
                using var response = await client.GetAsync("/readyz").ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    ReadyAt = DateTime.UtcNow;
                    ResidentAtReady = ResidentBytes();
                    CpuAtReady = CpuTime();
                    Output.StopParsing();
                    return;
                }
            }
            catch (HttpRequestException ex)
            {
                // Not listening yet.
                last = ex;
            }

            // Polled often: the figure is measured in tens of milliseconds, and a refused connect costs little.
            await Task.Delay(5).ConfigureAwait(false);
        }

        throw new TimeoutException("guardrails did not become ready in 120 s", last);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
