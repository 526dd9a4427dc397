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
    private readonly ExceptionCache? _exceptions;

    public ClusterWatcher(IKubernetesApi api, LiveClusterState state, ILoggerFactory loggers, TimeProvider time, ExceptionCache? exceptions = null)
    {
        _exceptions = exceptions;
        _api = api;
        _state = state;
        _loggers = loggers;
        _time = time;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var logger = _loggers.CreateLogger<WatchCache>();
        var caches = new[] { ResourceType.Namespaces, ResourceType.ResourceQuotas, ResourceType.LimitRanges }.Concat(WorkloadResourceTypes.All)
            .Select(type => new WatchCache(_api, type, _state, logger, _time))
            .Append(new WatchCache(_api, PolicyObjectTypes.PodDisruptionBudgets, _state.DisruptionBudgets, logger, _time))
            .Append(new WatchCache(_api, PolicyObjectTypes.NetworkPolicies, _state.NetworkPolicies, logger, _time))
            .ToList();
        if (_exceptions is not null)
        {
            // Optional: a cluster without the PolicyException CRD has no exceptions, and is synced all the same.
            caches.Add(new WatchCache(_api, ResourceType.PolicyExceptions, _exceptions, logger, _time, optional: true));
        }

        _state.Attach(caches);
        var limitRanges = caches.Single(c => c.Type == ResourceType.LimitRanges);
        return Task.WhenAll(caches.Select(c => Task.Run(
            async () =>
            {
                // A workload's per-pod demand is computed once, with its namespace's LimitRange defaults: those come first.
                if (WorkloadResourceTypes.IsWorkload(c.Type))
                {
                    while (!limitRanges.Synced)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(50), _time, stoppingToken).ConfigureAwait(false);
                    }
                }

                await c.RunAsync(stoppingToken).ConfigureAwait(false);
            },
            stoppingToken)));
    }
}
