using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Guardrails.Policies.Exceptions;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Cluster.Api;
using Guardrails.Webhook.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Exceptions;

/// <summary>
/// Makes what the engine already decides visible: writes each PolicyException's state to its status subresource when
/// it changes, records an Event when one starts and ends covering, and deletes an expired one once the pack's
/// <c>deleteExpiredAfter</c> has passed. Coverage never waits on any of this: the engine judges expiry itself.
/// </summary>
public sealed partial class ExceptionStatusWriter : BackgroundService
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);
    private readonly ExceptionStatusBoard _board;
    private readonly ExceptionCache _cache;
    private readonly PolicyStore _policies;
    private readonly IKubernetesApi _api;
    private readonly TimeProvider _time;
    private readonly ILogger<ExceptionStatusWriter> _logger;
    private readonly TimeSpan _interval;
    private readonly Dictionary<(string Namespace, string Name), (string? Uid, ExceptionState State, string Reasons)> _written = [];
    private readonly SemaphoreSlim _changed = new(0, 1);

    public ExceptionStatusWriter(ExceptionStatusBoard board, ExceptionCache cache, PolicyStore policies, IKubernetesApi api, TimeProvider time, ILogger<ExceptionStatusWriter> logger, TimeSpan? interval = null)
    {
        _board = board;
        _cache = cache;
        _policies = policies;
        _api = api;
        _time = time;
        _logger = logger;
        _interval = interval ?? TimeSpan.FromSeconds(1);
        _cache.Changed += (_, _) => Signal();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PassAsync(stoppingToken).ConfigureAwait(false);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wait.CancelAfter(_interval);
                await _changed.WaitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The interval passed without a change: look again (an expiry needs no change to happen).
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One look at every cached exception; for tests and for the loop.</summary>
    internal async Task PassAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var entries = _board.Judge(now);
        var seen = new HashSet<(string, string)>();
        foreach (var entry in entries)
        {
            var exception = entry.Exception;
            var key = (exception.Namespace, exception.Name);
            seen.Add(key);
            var reasons = string.Join("\n", entry.Judgement.Reasons);
            var before = _written.TryGetValue(key, out var last) && last.Uid == exception.Uid ? last : ((string? Uid, ExceptionState State, string Reasons)?)null;
            if (before is { } known && known.State == entry.Judgement.State && known.Reasons == reasons)
            {
                await CollectAsync(entry, now, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (await WriteStatusAsync(entry, now, cancellationToken).ConfigureAwait(false))
            {
                _written[key] = (exception.Uid, entry.Judgement.State, reasons);
                var wasActive = before?.State == ExceptionState.Active;
                var isActive = entry.Judgement.State == ExceptionState.Active;
                if (isActive && !wasActive)
                {
                    await EventAsync(exception, "Normal", "ExceptionActive", $"rule {exception.Rule} is waived for {exception.Target} until {Format(exception.Expires)} (requested by {exception.RequestedBy ?? "(unknown)"}{(exception.ApprovedBy is { } a ? $", approved by {a}" : "")})", now, cancellationToken).ConfigureAwait(false);
                }
                else if (wasActive && !isActive)
                {
                    await EventAsync(exception, "Normal", "ExceptionEnded", $"rule {exception.Rule} applies again to {exception.Target}: {entry.Judgement.State} ({string.Join("; ", entry.Judgement.Reasons)})", now, cancellationToken).ConfigureAwait(false);
                }
            }

            await CollectAsync(entry, now, cancellationToken).ConfigureAwait(false);
        }

        foreach (var gone in _written.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            _written.Remove(gone);
        }
    }

    private void Signal()
    {
        if (_changed.CurrentCount == 0)
        {
            try
            {
                _changed.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled: one pass covers every change so far.
            }
        }
    }

    private async Task<bool> WriteStatusAsync(ExceptionStatusEntry entry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var exception = entry.Exception;
        var patch = new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["state"] = entry.Judgement.State.ToString(),
                ["reasons"] = new JsonArray([.. entry.Judgement.Reasons.Select(r => JsonValue.Create(r))]),
                ["expires"] = Format(exception.Expires),
                ["observedAt"] = Format(now),
            },
        };
        return await CallAsync(exception, "writing the status of", token => UseAsync(_api.MergePatchAsync(Path(exception) + "/status", Parse(patch), "guardrails", token)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An expired exception past the pack's grace is deleted: only the object with this uid, never a newer one of its name.</summary>
    private async Task CollectAsync(ExceptionStatusEntry entry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var exception = entry.Exception;
        if (entry.Judgement.State != ExceptionState.Expired || exception.Uid is not { } uid
            || _policies.Current?.ExceptionBoundsFor(exception.Rule)?.DeleteExpiredAfter is not { } grace
            || now < exception.Expires + grace)
        {
            return;
        }

        if (await CallAsync(exception, "deleting", token => _api.DeleteAsync(Path(exception), uid, token), cancellationToken).ConfigureAwait(false))
        {
            LogDeleted(_logger, exception.Namespace, exception.Name, grace.TotalHours);
        }
    }

    private Task EventAsync(PolicyException exception, string type, string reason, string message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var at = Format(now);
        var body = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject { ["generateName"] = $"{exception.Name}.guardrails-", ["namespace"] = exception.Namespace },
            ["involvedObject"] = new JsonObject
            {
                ["apiVersion"] = PolicyException.ApiVersion,
                ["kind"] = PolicyException.KindName,
                ["name"] = exception.Name,
                ["namespace"] = exception.Namespace,
                ["uid"] = exception.Uid,
            },
            ["type"] = type,
            ["reason"] = reason,
            ["message"] = message,
            ["source"] = new JsonObject { ["component"] = "guardrails" },
            ["reportingComponent"] = "guardrails.dev/exceptions",
            ["reportingInstance"] = Environment.GetEnvironmentVariable("POD_NAME") ?? Environment.MachineName,
            ["firstTimestamp"] = at,
            ["lastTimestamp"] = at,
            ["count"] = 1,
        };
        return CallAsync(exception, "recording an event on", token => UseAsync(_api.PostAsync($"/api/v1/namespaces/{Uri.EscapeDataString(exception.Namespace)}/events", Parse(body), token)), cancellationToken);
    }

    private async Task<bool> CallAsync(PolicyException exception, string what, Func<CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CallTimeout);
        try
        {
            await call(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is KubernetesApiException or HttpRequestException or IOException or OperationCanceledException or JsonException or TimeoutException)
        {
            LogFailed(_logger, what, exception.Namespace, exception.Name, ex.Message);
            return false;
        }
    }

    private static async Task UseAsync(Task<JsonDocument> call) => (await call.ConfigureAwait(false)).Dispose();

    private static JsonElement Parse(JsonObject body) => JsonDocument.Parse(body.ToJsonString()).RootElement.Clone();

    private static string Path(PolicyException exception) => ResourceType.PolicyExceptions.ObjectPath(exception.Namespace, exception.Name);

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 350, Level = LogLevel.Warning, Message = "Failed {What} PolicyException {Namespace}/{Name}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string what, string @namespace, string name, string reason);

    [LoggerMessage(EventId = 351, Level = LogLevel.Information, Message = "Deleted PolicyException {Namespace}/{Name}: expired more than {GraceHours:0.##}h ago")]
    private static partial void LogDeleted(ILogger logger, string @namespace, string name, double graceHours);
}
