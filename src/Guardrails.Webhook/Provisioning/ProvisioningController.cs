using System.Threading.Channels;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Cluster.Api;
using Guardrails.Webhook.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Provisioning;

/// <summary>
/// Watches Environments and reconciles each change, one Environment at a time, on the replica that holds the
/// Lease. A periodic resync catches expired TTLs and drift.
/// </summary>
public sealed partial class ProvisioningController : BackgroundService
{
    private static readonly TimeSpan Resync = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RetryAfterDeadline = TimeSpan.FromSeconds(1);
    private readonly IKubernetesApi _api;
    private readonly EnvironmentCache _cache;
    private readonly EnvironmentReconciler _reconciler;
    private readonly LeaderElector _leader;
    private readonly TimeProvider _time;
    private readonly ILogger<ProvisioningController> _logger;
    private readonly TimeSpan _reconcileDeadline;
    private readonly GuardrailsMetrics? _metrics;
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private readonly Lock _pendingLock = new();

    public ProvisioningController(IKubernetesApi api, EnvironmentCache cache, EnvironmentReconciler reconciler, LeaderElector leader, TimeProvider time, ILogger<ProvisioningController> logger, TimeSpan reconcileDeadline, GuardrailsMetrics? metrics = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(reconcileDeadline, TimeSpan.Zero);
        _api = api;
        _cache = cache;
        _reconciler = reconciler;
        _leader = leader;
        _time = time;
        _logger = logger;
        _reconcileDeadline = reconcileDeadline;
        _metrics = metrics;
        _cache.Changed += Enqueue;
    }

    public void Enqueue(string name)
    {
        lock (_pendingLock)
        {
            if (!_pending.Add(name))
            {
                LogAlreadyQueued(_logger, name);
                return;
            }
        }

        _queue.Writer.TryWrite(name);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watch = new WatchCache(_api, ProvisioningApi.Environments, _cache, _logger, _time);
        return Task.WhenAll(
            Task.Run(() => watch.RunAsync(stoppingToken), stoppingToken),
            Task.Run(() => LeadAsync(stoppingToken), stoppingToken),
            Task.Run(() => WorkAsync(stoppingToken), stoppingToken));
    }

    private async Task LeadAsync(CancellationToken stoppingToken)
    {
        var lastResync = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var wasLeader = _leader.IsLeader;
                var leads = await _leader.TryAcquireOrRenewAsync(stoppingToken).ConfigureAwait(false);
                if (leads && (!wasLeader || _time.GetUtcNow() - lastResync > Resync))
                {
                    lastResync = _time.GetUtcNow();
                    foreach (var name in _cache.Names)
                    {
                        Enqueue(name);
                    }
                }
                else if (!leads && _leader.Blocked is { } blocked)
                {
                    foreach (var name in _cache.Names)
                    {
                        await _reconciler.ReportNoLeaderAsync(name, blocked, stoppingToken).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The lease loop must outlive any single failure, or leadership silently freezes.
                LogLoopFailed(_logger, "lease", ex);
            }

            try
            {
                await Task.Delay(_leader.RenewInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var name in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                lock (_pendingLock)
                {
                    _pending.Remove(name);
                }

                if (!_leader.IsLeader)
                {
                    // Keep it: leadership may come back (or go to another replica, whose own watch sees the same change).
                    _ = RequeueLaterAsync(name, _leader.RenewInterval, stoppingToken);
                    continue;
                }

                LogReconciling(_logger, name);
                ReconcileOutcome outcome;
                string result;
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);

                // A reconcile that stops making progress must not hold up every other Environment: cancel and retry.
                deadline.CancelAfter(_reconcileDeadline);
                try
                {
                    outcome = await _reconciler.ReconcileAsync(name, deadline.Token).ConfigureAwait(false);
                    result = outcome.Retrying ? "retrying" : outcome.RequeueAfter is null ? "done" : "requeued";
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
                {
                    LogDeadline(_logger, name, _reconcileDeadline.TotalSeconds);
                    outcome = ReconcileOutcome.After(RetryAfterDeadline);
                    result = "deadline";
                }
                catch (Exception ex) when (ex is KubernetesApiException or HttpRequestException or IOException or TimeoutException)
                {
                    LogFailed(_logger, name, ex.Message);
                    outcome = ReconcileOutcome.After(TimeSpan.FromSeconds(1));
                    result = "failed";
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // An unexpected failure in one Environment must not stop the others from being reconciled.
                    LogLoopFailed(_logger, name, ex);
                    outcome = ReconcileOutcome.After(TimeSpan.FromSeconds(5));
                    result = "failed";
                }

                _metrics?.RecordReconcile(result);
                LogReconciled(_logger, name, outcome.RequeueAfter?.TotalMilliseconds ?? -1);
                if (outcome.RequeueAfter is { } delay)
                {
                    _ = RequeueLaterAsync(name, delay, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private async Task RequeueLaterAsync(string name, TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, stoppingToken).ConfigureAwait(false);
            Enqueue(name);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(EventId = 521, Level = LogLevel.Error, Message = "Provisioning controller: unexpected failure ({What}); continuing")]
    private static partial void LogLoopFailed(ILogger logger, string what, Exception exception);

    [LoggerMessage(EventId = 523, Level = LogLevel.Debug, Message = "Reconciled Environment {Name}; again in {DelayMs:0} ms (-1: only on change)")]
    private static partial void LogReconciled(ILogger logger, string name, double delayMs);

    [LoggerMessage(EventId = 524, Level = LogLevel.Debug, Message = "Environment {Name} is already queued")]
    private static partial void LogAlreadyQueued(ILogger logger, string name);

    [LoggerMessage(EventId = 522, Level = LogLevel.Debug, Message = "Reconciling Environment {Name}")]
    private static partial void LogReconciling(ILogger logger, string name);

    [LoggerMessage(EventId = 525, Level = LogLevel.Warning, Message = "Reconciling Environment {Name} took longer than {Seconds:0.#} s; cancelled, retrying")]
    private static partial void LogDeadline(ILogger logger, string name, double seconds);

    [LoggerMessage(EventId = 520, Level = LogLevel.Warning, Message = "Reconciling Environment {Name} failed: {Reason}; retrying")]
    private static partial void LogFailed(ILogger logger, string name, string reason);
}
