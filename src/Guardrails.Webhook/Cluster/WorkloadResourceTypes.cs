using Guardrails.Webhook.Cluster.Api;

namespace Guardrails.Webhook.Cluster;

/// <summary>The workload kinds whose summaries admission keeps: every owner a controller's write can draw on.</summary>
public static class WorkloadResourceTypes
{
    public static readonly ResourceType Deployments = new("apps", "v1", "deployments", "Deployment", Namespaced: true);

    public static readonly ResourceType ReplicaSets = new("apps", "v1", "replicasets", "ReplicaSet", Namespaced: true);

    public static readonly ResourceType StatefulSets = new("apps", "v1", "statefulsets", "StatefulSet", Namespaced: true);

    public static readonly ResourceType DaemonSets = new("apps", "v1", "daemonsets", "DaemonSet", Namespaced: true);

    public static readonly ResourceType Jobs = new("batch", "v1", "jobs", "Job", Namespaced: true);

    public static readonly ResourceType CronJobs = new("batch", "v1", "cronjobs", "CronJob", Namespaced: true);

    public static readonly ResourceType ReplicationControllers = new("", "v1", "replicationcontrollers", "ReplicationController", Namespaced: true);

    public static IReadOnlyList<ResourceType> All { get; } =
        [Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs, ReplicationControllers];

    public static bool IsWorkload(ResourceType type) => All.Contains(type);
}
