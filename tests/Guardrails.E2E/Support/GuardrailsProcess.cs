using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Guardrails.E2E.Support;

/// <summary>
/// <c>guardrails serve</c> as a child process of the test run, exactly as an operator starts it: its own data dir, the
/// run's copy of the repository's packs and platform settings, live cluster state and provisioning from the test
/// kubeconfig. Killed on dispose, and when the test host exits.
/// </summary>
internal sealed class GuardrailsProcess : IAsyncDisposable
{
    // Generous: the first start generates a CA, and with --kubeconfig readiness waits for the cluster caches to sync.
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);
    private const int KeptLogLines = 400;

    private readonly Process _process;
    private readonly string _root;
    private readonly Queue<string> _log = new();
    private readonly Lock _logLock = new();
    private readonly EventHandler _killOnHostExit;
    private HttpClient? _client;

    private GuardrailsProcess(Process process, string root, Uri baseAddress, string caFile)
    {
        _process = process;
        _root = root;
        BaseAddress = baseAddress;
        CaFile = caFile;
        _killOnHostExit = (_, _) => Kill();
    }

    /// <summary>Where the apiserver calls it: <c>https://{GUARDRAILS_E2E_WEBHOOK_HOST}:{port}</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The CA the serving certificate chains to, published to the apiserver as the caBundle.</summary>
    public string CaFile { get; }

    /// <summary>A client that trusts only <see cref="CaFile"/> and checks the certificate's name against the webhook host.</summary>
    public HttpClient Client => _client ?? throw new InvalidOperationException("guardrails serve is not ready yet");

    public bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                // Never started.
                return true;
            }
        }
    }

    /// <summary>The last lines guardrails serve wrote (its logs go to stderr), for failure messages.</summary>
    public string RecentLog
    {
        get
        {
            lock (_logLock)
            {
                return _log.Count == 0 ? "(no output)" : string.Join('\n', _log);
            }
        }
    }

    /// <param name="environment">The cluster and the address the apiserver dials.</param>
    /// <param name="policiesDirectory">The packs and platform settings to serve (<c>--policies</c>).</param>
    /// <param name="ownNamespace">
    /// <c>--namespace</c>: exempt from the packs, left out of the webhooks' namespaces, and where the provisioning
    /// controller keeps its Lease (it leads, and so provisions, only once that namespace exists).
    /// </param>
    /// <param name="cancellationToken">Bounds start-up.</param>
    /// <exception cref="InvalidOperationException">guardrails.dll is missing, or serve exited before it was ready (its output is in the message).</exception>
    /// <exception cref="TimeoutException">serve did not report ready in time.</exception>
    public static async Task<GuardrailsProcess> StartAsync(E2EEnvironment environment, string policiesDirectory, string ownNamespace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentException.ThrowIfNullOrEmpty(policiesDirectory);
        ArgumentException.ThrowIfNullOrEmpty(ownNamespace);
        var kubeconfig = environment.Kubeconfig ?? throw new InvalidOperationException(E2EEnvironment.SkipMessage);
        var dll = Path.Combine(AppContext.BaseDirectory, "guardrails.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: the E2E project references Guardrails.Webhook so that it is built here");
        }

        var root = Directory.CreateTempSubdirectory("guardrails-e2e-").FullName;
        var dataDir = Path.Combine(root, "data");
        var port = FreePort();
        var bind = BindAddress(environment);

        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        List<string> arguments =
        [
            dll, "serve",
            "--urls", string.Create(CultureInfo.InvariantCulture, $"https://{bind}:{port}"),
            "--data-dir", dataDir,
            "--policies", policiesDirectory,
            "--kubeconfig", kubeconfig,
            "--namespace", ownNamespace,
            "--no-manifests",
        ];

        string caFile;
        if (environment.WebhookHostIsLoopback)
        {
            // Serve's own self-signed certificate already names localhost and the loopback addresses.
            caFile = Path.Combine(dataDir, "ca.crt");
        }
        else
        {
            var files = WebhookCertificates.Write(Path.Combine(root, "tls"), environment.WebhookHost);
            arguments.AddRange(["--tls-cert-file", files.CertFile, "--tls-key-file", files.KeyFile]);
            caFile = files.CaFile;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Whatever reads the cluster (--kubeconfig, or a client library falling back to $KUBECONFIG) must read the
        // cluster the tests drive, never the developer's default context.
        start.Environment["KUBECONFIG"] = kubeconfig;
        start.Environment.Remove("POD_NAMESPACE");
        start.Environment.Remove("GUARDRAILS_DATA_DIR");

        // Kestrel endpoints configured in the test host's environment would silently replace --urls, leaving the
        // apiserver calling a port nothing listens on.
        foreach (var inherited in start.Environment.Keys.Where(IsEndpointSetting).ToList())
        {
            start.Environment.Remove(inherited);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var address = new Uri(string.Create(CultureInfo.InvariantCulture, $"https://{environment.WebhookHostForUrl}:{port}"));
        var server = new GuardrailsProcess(process, root, address, caFile);
        process.OutputDataReceived += (_, e) => server.Record("stdout: ", e.Data);
        process.ErrorDataReceived += (_, e) => server.Record("", e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"could not start {start.FileName} {string.Join(' ', arguments)}: {ex.Message}", ex);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += server._killOnHostExit;
        try
        {
            await server.WaitUntilReadyAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>The sum of a Prometheus counter over the series whose labels include <paramref name="labels"/>.</summary>
    public async Task<double> ReadCounterAsync(string metric, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        var text = await Client.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken);
        return PrometheusText.Sum(text, metric, labels);
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= _killOnHostExit;
        _client?.Dispose();
        Kill();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(ExitTimeout);
        }
        catch (TimeoutException)
        {
            // Killed but not yet reaped; nothing in the test depends on it any more.
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a temp dir left behind is not a test failure.
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var last = "no answer yet";
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                // Waiting again lets the asynchronous readers deliver the last lines of stderr.
                await _process.WaitForExitAsync(cancellationToken).WaitAsync(ExitTimeout, cancellationToken);
                throw new InvalidOperationException(
                    $"guardrails serve exited with code {_process.ExitCode} before it was ready:\n{RecentLog}");
            }

            if (_client is null && File.Exists(CaFile))
            {
                _client = TryCreateClient();
            }

            if (_client is not null)
            {
                try
                {
                    using var response = await _client.GetAsync(new Uri("/readyz", UriKind.Relative), cancellationToken);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }

                    last = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}";
                }
                catch (HttpRequestException ex)
                {
                    last = ex.InnerException is null ? ex.Message : $"{ex.Message} ({ex.InnerException.Message})";
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    last = "a /readyz request timed out";
                }
            }

            if (watch.Elapsed > ReadyTimeout)
            {
                throw new TimeoutException(
                    $"guardrails serve was not ready at {BaseAddress}readyz within {ReadyTimeout.TotalSeconds:0} s; last answer: {last}\n{RecentLog}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    private HttpClient? TryCreateClient()
    {
        X509Certificate2 ca;
        try
        {
            // CreateFromPem, not CreateFromPemFile: the latter demands a private key, and ca.crt has none.
            ca = X509Certificate2.CreateFromPem(File.ReadAllText(CaFile));
        }
        catch (Exception ex) when (ex is CryptographicException or IOException)
        {
            // Serve writes ca.crt atomically, but a retry costs nothing if it is caught mid-creation.
            return null;
        }

        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusts(ca, certificate, errors),
            },
        };
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>
    /// Chains to the test CA and names the webhook host, as the apiserver will require; probing through the same name
    /// catches a certificate the apiserver would refuse before any webhook is registered.
    /// </summary>
    private static bool Trusts(X509Certificate2 ca, X509Certificate? presented, SslPolicyErrors errors)
    {
        if (presented is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(presented);
        return chain.Build(leaf);
    }

    private void Record(string prefix, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logLock)
        {
            _log.Enqueue(prefix + line);
            while (_log.Count > KeptLogLines)
            {
                _log.Dequeue();
            }
        }
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception)
        {
            // Not started, or already gone.
        }
    }

    /// <summary>
    /// Loopback when the apiserver comes over loopback (nothing else on the network can reach the server); otherwise
    /// every interface, because the apiserver's route to <c>GUARDRAILS_E2E_WEBHOOK_HOST</c> may arrive on any of them.
    /// </summary>
    private static string BindAddress(E2EEnvironment environment)
    {
        if (environment.WebhookHostIsLoopback)
        {
            return string.Equals(environment.WebhookHost, "localhost", StringComparison.OrdinalIgnoreCase) ? "localhost" : environment.WebhookHostForUrl;
        }

        return environment.WebhookHostForUrl.StartsWith('[') ? "[::]" : "0.0.0.0";
    }

    // A port free on every IPv4 interface now; serve binding it a moment later could still lose a race, which then
    // shows as serve exiting early with "address already in use".
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static bool IsEndpointSetting(string name)
    {
        var unprefixed = name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) ? name["ASPNETCORE_".Length..]
            : name.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase) ? name["DOTNET_".Length..]
            : name;
        return unprefixed.StartsWith("Kestrel__", StringComparison.OrdinalIgnoreCase)
            || (!ReferenceEquals(unprefixed, name) && unprefixed.ToUpperInvariant() is "URLS" or "HTTP_PORTS" or "HTTPS_PORTS");
    }

    /// <summary>The dotnet that runs this test, so serve runs on the same SDK's runtime.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
