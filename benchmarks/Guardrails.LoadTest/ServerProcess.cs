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

    public static async Task<ServerProcess> StartAsync(string policies)
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
            Path.Combine(AppContext.BaseDirectory, "guardrails.dll"), "serve",
            "--urls", $"https://127.0.0.1:{port}", "--policies", policies, "--data-dir", dataDir,
            "--no-manifests", "--enable-floor-endpoint",
        })
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
        var deadline = DateTime.UtcNow.AddSeconds(30);
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

        throw new TimeoutException("guardrails did not become ready in 30 s", last);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
