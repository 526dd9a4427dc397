using Guardrails.Webhook.Cluster.Api;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Cluster;

/// <summary>Runs the watch caches that keep <see cref="LiveClusterState"/> current.</summary>
public sealed class ClusterWatcher : BackgroundService
{
    private readonly IKubernetesApi _api;
    private readonly LiveClusterState _state;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;

    public ClusterWatcher(IKubernetesApi api, LiveClusterState state, ILoggerFactory loggers, TimeProvider time)
    {
        _api = api;
        _state = state;
        _loggers = loggers;
        _time = time;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var logger = _loggers.CreateLogger<WatchCache>();
        var caches = new[] { ResourceType.Namespaces, ResourceType.ResourceQuotas, ResourceType.LimitRanges }
            .Select(type => new WatchCache(_api, type, _state, logger, _time))
            .ToList();
        _state.Attach(caches);
        return Task.WhenAll(caches.Select(c => Task.Run(() => c.RunAsync(stoppingToken), stoppingToken)));
    }
}
