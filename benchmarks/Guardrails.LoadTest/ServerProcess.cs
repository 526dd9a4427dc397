using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Guardrails.LoadTest;

/// <summary>The real <c>guardrails serve</c> in its own process on 127.0.0.1, so client and server do not share a GC.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDir;

    private ServerProcess(Process process, string dataDir, Uri address)
    {
        _process = process;
        _dataDir = dataDir;
        Address = address;
    }

    public Uri Address { get; }

    public string CaBundlePath => Path.Combine(_dataDir, "ca.crt");

    /// <summary>From the process's start to the first 200 from <c>/readyz</c> (policy loaded, caches synced).</summary>
    public TimeSpan TimeToReady { get; private set; }

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

    /// <summary>Which build to start: <c>GUARDRAILS_DLL</c> (another worktree's, for a baseline in the same run), else the one built beside this.</summary>
    public static string GuardrailsDll =>
        Environment.GetEnvironmentVariable("GUARDRAILS_DLL") is { Length: > 0 } other ? other : Path.Combine(AppContext.BaseDirectory, "guardrails.dll");

    public static async Task<ServerProcess> StartAsync(string policies, params string[] extraArguments)
    {
        var port = FreePort();
        var dataDir = Directory.CreateTempSubdirectory("guardrails-load-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            GuardrailsDll, "serve",
            "--urls", $"https://127.0.0.1:{port}", "--policies", policies, "--data-dir", dataDir,
            "--no-manifests", "--enable-floor-endpoint",
        }.Concat(extraArguments))
        {
            start.ArgumentList.Add(arg);
        }

        // serve refuses options it does not know; host configuration comes from the environment instead.
        start.Environment["Logging__LogLevel__Default"] = "Warning";

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start guardrails");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine("server: " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, dataDir, new Uri($"https://127.0.0.1:{port}"));
        await server.WaitReadyAsync().ConfigureAwait(false);
        server.TimeToReady = DateTime.UtcNow - process.StartTime.ToUniversalTime();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

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
                throw new InvalidOperationException($"guardrails exited with {_process.ExitCode}");
            }

            try
            {
                if ((await client.GetAsync("/readyz").ConfigureAwait(false)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException ex)
            {
                // Not listening yet.
                last = ex;
            }

            await Task.Delay(100).ConfigureAwait(false);
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
