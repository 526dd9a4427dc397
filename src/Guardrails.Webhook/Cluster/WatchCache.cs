using System.Text.Json;
using Guardrails.Webhook.Cluster.Api;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Cluster;

/// <summary>
/// A reflector for one resource type: list (paged), then watch from the list's resourceVersion with bookmarks;
/// relist on 410 Gone; reconnect with exponential backoff and jitter on any other failure. Events are handed to
/// the sink in order; the admission path never waits on any of this.
/// </summary>
public sealed partial class WatchCache
{
    private static readonly TimeSpan WatchTimeout = TimeSpan.FromMinutes(5);
    private readonly IKubernetesApi _api;
    private readonly ResourceType _type;
    private readonly IWatchSink _sink;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxBackoff;

    private readonly bool _optional;

    /// <param name="optional">
    /// A CRD that may not be installed: a 404 on the list means "none of them", synced, and the list is tried again
    /// after <paramref name="maxBackoff"/> so that installing the CRD later is noticed.
    /// </param>
    public WatchCache(IKubernetesApi api, ResourceType type, IWatchSink sink, ILogger logger, TimeProvider time, TimeSpan? maxBackoff = null, bool optional = false)
    {
        _optional = optional;
        _api = api;
        _type = type;
        _sink = sink;
        _logger = logger;
        _time = time;
        _maxBackoff = maxBackoff ?? TimeSpan.FromSeconds(30);
    }

    public bool Synced { get; private set; }

    /// <summary>Null while healthy; otherwise why the cache may be behind, and since when.</summary>
    public (string Reason, DateTimeOffset Since)? Failing { get; private set; }

    public ResourceType Type => _type;

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        string? resourceVersion = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                resourceVersion ??= await ListAsync(stoppingToken).ConfigureAwait(false);
                Synced = true;
                Failing = null;
                failures = 0;
                resourceVersion = await WatchAsync(resourceVersion, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (KubernetesApiException ex) when (_optional && ex.StatusCode == 404 && !stoppingToken.IsCancellationRequested)
            {
                // Without the CRD there is nothing to cache: that is known, current state, not a failure to wait on.
                _sink.Replace(_type, []);
                Synced = true;
                Failing = null;
                failures = 0;
                resourceVersion = null;
                LogMissing(_logger, _type.Plural, _maxBackoff.TotalSeconds);
                try
                {
                    await Task.Delay(_maxBackoff, _time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (WatchExpiredException)
            {
                // The history we were watching from is gone: only a fresh list is correct now.
                LogExpired(_logger, _type.Plural);
                resourceVersion = null;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Any failure, the API's or a sink's, ends in a fresh list after a backoff: a watch that silently
                // stopped would leave the cache stale forever while still looking synced.
                if (ex is not (KubernetesApiException or HttpRequestException or IOException or JsonException or TimeoutException or OperationCanceledException))
                {
                    resourceVersion = null;
                }

                failures++;
                Failing ??= (ex.Message, _time.GetUtcNow());
                var delay = Backoff(failures);
                LogRetry(_logger, _type.Plural, ex.Message, delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<string> ListAsync(CancellationToken cancellationToken)
    {
        var items = new List<JsonDocument>();
        string? continueToken = null;
        string resourceVersion;
        do
        {
            using var page = await _api.ListAsync(_type, null, 500, continueToken, cancellationToken).ConfigureAwait(false);
            items.AddRange(page.Items.Select(i => JsonDocument.Parse(i.GetRawText())));
            continueToken = page.Continue;
            resourceVersion = page.ResourceVersion;
        }
        while (!string.IsNullOrEmpty(continueToken));

        try
        {
            _sink.Replace(_type, items.Select(d => d.RootElement).ToList());
        }
        finally
        {
            foreach (var item in items)
            {
                item.Dispose();
            }
        }

        LogListed(_logger, _type.Plural, items.Count, resourceVersion);
        return resourceVersion;
    }

    /// <summary>Watches until the server ends the watch; returns the last resourceVersion seen to resume from.</summary>
    private async Task<string> WatchAsync(string resourceVersion, CancellationToken cancellationToken)
    {
        await foreach (var change in _api.WatchAsync(_type, null, resourceVersion, WatchTimeout, cancellationToken).ConfigureAwait(false))
        {
            using (change)
            {
                var version = change.Object.TryGetProperty("metadata"u8, out var metadata)
                    && metadata.TryGetProperty("resourceVersion"u8, out var rv) && rv.ValueKind == JsonValueKind.String
                    ? rv.GetString()
                    : null;
                switch (change.Type)
                {
                    case "ADDED":
                    case "MODIFIED":
                        _sink.Upsert(_type, change.Object);
                        break;
                    case "DELETED":
                        _sink.Delete(_type, change.Object);
                        break;
                    case "BOOKMARK":
                        break;
                    default:
                        continue;
                }

                resourceVersion = version ?? resourceVersion;
                LogEvent(_logger, _type.Plural, change.Type, resourceVersion);
            }
        }

        return resourceVersion;
    }

    private TimeSpan Backoff(int failures)
    {
        var exponential = TimeSpan.FromMilliseconds(Math.Min(_maxBackoff.TotalMilliseconds, 200 * Math.Pow(2, Math.Min(failures - 1, 10))));

        // Full jitter: many replicas reconnecting after an apiserver restart must not arrive together.
#pragma warning disable CA5394 // Jitter, not security.
        return TimeSpan.FromMilliseconds(exponential.TotalMilliseconds * (0.5 + (Random.Shared.NextDouble() / 2)));
#pragma warning restore CA5394
    }

    [LoggerMessage(EventId = 304, Level = LogLevel.Information, Message = "{Resource} are not served (is the CRD installed?): none cached; asking again in {Seconds:0} s")]
    private static partial void LogMissing(ILogger logger, string resource, double seconds);

    [LoggerMessage(EventId = 303, Level = LogLevel.Debug, Message = "Watch {Resource}: {Type} at resourceVersion {ResourceVersion}")]
    private static partial void LogEvent(ILogger logger, string resource, string type, string resourceVersion);

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Listed {Resource}: {Count} object(s) at resourceVersion {ResourceVersion}")]
    private static partial void LogListed(ILogger logger, string resource, int count, string resourceVersion);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Watch for {Resource} expired (410 Gone); relisting")]
    private static partial void LogExpired(ILogger logger, string resource);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Watch for {Resource} failed: {Reason}; retrying in {DelayMs:0} ms")]
    private static partial void LogRetry(ILogger logger, string resource, string reason, double delayMs);
}
