using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Guardrails.E2E.Support;

/// <summary>
/// kubectl against the test cluster. Every call has a deadline and is killed, with its children (credential plugins),
/// when the deadline passes: a slow or unreachable cluster fails a test, it never hangs one.
/// </summary>
internal sealed class Kubectl
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    // After kubectl exits its pipes close at once; this only guards against a child that inherited and kept them.
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    public Kubectl(string kubeconfig)
    {
        Kubeconfig = kubeconfig;
    }

    public string Kubeconfig { get; }

    /// <summary>Runs kubectl with <paramref name="arguments"/> (after <c>--kubeconfig</c>), feeding it <paramref name="stdin"/>.</summary>
    /// <exception cref="TimeoutException">kubectl did not finish in time (or the test was cancelled) and was killed.</exception>
    /// <exception cref="InvalidOperationException">kubectl could not be started.</exception>
    public async Task<KubectlResult> RunAsync(IReadOnlyList<string> arguments, string? stdin = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var limit = timeout ?? DefaultTimeout;
        var start = new ProcessStartInfo("kubectl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(Kubeconfig);

        // The apiserver is told to give up a little before we kill the client, so a slow request ends with its own
        // error message rather than with our kill.
        var requestSeconds = Math.Max(1, (int)limit.TotalSeconds - 5);
        start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--request-timeout={requestSeconds}s"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        var watch = Stopwatch.StartNew();
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"kubectl could not be started (is it on PATH?): {ex.Message}", ex);
        }

        // Both pipes are read from the start: a full stderr pipe would otherwise block kubectl forever.
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        try
        {
            await WriteInputAsync(process, stdin, deadline.Token);
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            var (partialOut, partialErr) = await DrainAsync(stdout, stderr);
            var why = cancellationToken.IsCancellationRequested ? "the test was cancelled" : $"it did not finish within {limit.TotalSeconds:0} s";
            throw new TimeoutException(
                $"kubectl {string.Join(' ', arguments)} was killed: {why}\nstdout:\n{partialOut.TrimEnd()}\nstderr:\n{partialErr.TrimEnd()}");
        }

        var (output, error) = await DrainAsync(stdout, stderr);
        return new KubectlResult(arguments, process.ExitCode, output, error, watch.Elapsed);
    }

    /// <summary>Whether the object exists, as <c>kubectl get --ignore-not-found</c> sees it.</summary>
    /// <exception cref="InvalidOperationException">kubectl failed for another reason than the object being absent.</exception>
    public async Task<bool> ExistsAsync(string resource, string name, string? @namespace, CancellationToken cancellationToken)
    {
        List<string> arguments = ["get", resource, name, "--ignore-not-found", "-o", "name"];
        if (@namespace is not null)
        {
            arguments.AddRange(["-n", @namespace]);
        }

        var result = (await RunAsync(arguments, cancellationToken: cancellationToken)).EnsureSuccess($"looking up {resource} {name}");
        return result.Stdout.Trim().Length > 0;
    }

    private static async Task WriteInputAsync(Process process, string? stdin, CancellationToken cancellationToken)
    {
        try
        {
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin.AsMemory(), cancellationToken);
                await process.StandardInput.FlushAsync(cancellationToken);
            }

            // Closed even when there is no input, so nothing kubectl starts can sit waiting for a terminal.
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // kubectl exited before reading all of it (a usage error, say); its exit code and stderr tell why.
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the deadline and the kill.
        }
        catch (Win32Exception)
        {
            // Nothing more can be done from here; the timeout is still reported.
        }
    }

    private static async Task<(string Stdout, string Stderr)> DrainAsync(Task<string> stdout, Task<string> stderr)
    {
        try
        {
            await Task.WhenAll(stdout, stderr).WaitAsync(DrainTimeout);
            return (await stdout, await stderr);
        }
        catch (TimeoutException)
        {
            return (stdout.IsCompletedSuccessfully ? stdout.Result : "(not closed)", stderr.IsCompletedSuccessfully ? stderr.Result : "(not closed)");
        }
    }
}
