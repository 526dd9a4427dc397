using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;

namespace Guardrails.Webhook.Tests.Hosting.Tls;

/// <summary>Sends requests back to back on one client until stopped, recording every failure and every handshake.</summary>
internal sealed class RequestLoop : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _handshakes = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly ConcurrentQueue<string> _protocols = new();
    private readonly Task[] _workers;
    private int _succeeded;

    public RequestLoop(Func<Action<X509Certificate2>, HttpClient> createClient, int parallel = 1)
    {
        _client = createClient(certificate => _handshakes.Enqueue(certificate.Thumbprint));
        _workers = [.. Enumerable.Range(0, parallel).Select(_ => Task.Run(RunAsync))];
    }

    public int Succeeded => Volatile.Read(ref _succeeded);

    /// <summary>Thumbprints presented by each new connection, in order.</summary>
    public IReadOnlyList<string> Handshakes => [.. _handshakes];

    public IReadOnlyList<string> Failures => [.. _failures];

    public IReadOnlySet<string> Protocols => _protocols.ToHashSet();

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _client.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        // The request itself is never cancelled: stopping waits for the one in flight, so a cancellation cannot
        // be mistaken for a failure.
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var protocol = await _client.GetStringAsync(new Uri("/", UriKind.Relative), CancellationToken.None);
                if (!_protocols.Contains(protocol))
                {
                    _protocols.Enqueue(protocol);
                }

                Interlocked.Increment(ref _succeeded);
            }
            catch (HttpRequestException ex)
            {
                _failures.Enqueue(ex.ToString());
            }
            catch (TaskCanceledException ex)
            {
                _failures.Enqueue("timed out: " + ex);
            }

            await Task.Delay(2, CancellationToken.None);
        }
    }
}
