namespace Guardrails.Policies.Resources;

/// <summary>A pod-bearing kind and where its pod spec lives.</summary>
public sealed class WorkloadKind
{
    public static readonly WorkloadKind Pod = new("Pod", "pods", "", ["spec"], ReplicaSource.SinglePod);
    public static readonly WorkloadKind PodTemplate = new("PodTemplate", "podtemplates", "", ["template", "spec"], ReplicaSource.None);
    public static readonly WorkloadKind ReplicationController = new("ReplicationController", "replicationcontrollers", "", ["spec", "template", "spec"], ReplicaSource.Replicas);
    public static readonly WorkloadKind Deployment = new("Deployment", "deployments", "apps", ["spec", "template", "spec"], ReplicaSource.ReplicasWithSurge);
    public static readonly WorkloadKind StatefulSet = new("StatefulSet", "statefulsets", "apps", ["spec", "template", "spec"], ReplicaSource.Replicas);
    public static readonly WorkloadKind DaemonSet = new("DaemonSet", "daemonsets", "apps", ["spec", "template", "spec"], ReplicaSource.PerNode);
    public static readonly WorkloadKind ReplicaSet = new("ReplicaSet", "replicasets", "apps", ["spec", "template", "spec"], ReplicaSource.Replicas);
    public static readonly WorkloadKind Job = new("Job", "jobs", "batch", ["spec", "template", "spec"], ReplicaSource.Parallelism);
    public static readonly WorkloadKind CronJob = new("CronJob", "cronjobs", "batch", ["spec", "jobTemplate", "spec", "template", "spec"], ReplicaSource.Parallelism);

    public static IReadOnlyList<WorkloadKind> All { get; } =
        [Pod, PodTemplate, ReplicationController, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob];

    private WorkloadKind(string kind, string plural, string group, string[] podSpecSegments, ReplicaSource replicas)
    {
        Kind = kind;
        Plural = plural;
        CountQuotaKey = group.Length == 0 ? $"count/{plural}" : $"count/{plural}.{group}";
        Group = group;
        PodSpecSegments = podSpecSegments;
        PodSpecPath = string.Join('.', podSpecSegments);
        PodSpecPointer = "/" + string.Join('/', podSpecSegments);
        Replicas = replicas;
        Ordinal = _nextOrdinal++;
    }

    private static int _nextOrdinal;

    public string Kind { get; }

    public string Plural { get; }

    /// <summary>The object-count quota key for this kind, e.g. <c>count/deployments.apps</c>.</summary>
    public string CountQuotaKey { get; }

    /// <summary>API group; "" is the core group.</summary>
    public string Group { get; }

    /// <summary>Dotted field path of the pod spec from the object root, e.g. <c>spec.jobTemplate.spec.template.spec</c>.</summary>
    public string PodSpecPath { get; }

    /// <summary>The same location as an RFC 6901 JSON pointer, for patches.</summary>
    public string PodSpecPointer { get; }

    public ReplicaSource Replicas { get; }

    /// <summary>Dense index, so compiled policies can hold one rule array per kind without a dictionary.</summary>
    public int Ordinal { get; }

    internal string[] PodSpecSegments { get; }

    /// <summary>Finds the pod-bearing kind for an API group and kind; null for every other kind.</summary>
    public static WorkloadKind? Find(string? group, string? kind)
    {
        var match = kind switch
        {
            "Pod" => Pod,
            "PodTemplate" => PodTemplate,
            "ReplicationController" => ReplicationController,
            "Deployment" => Deployment,
            "StatefulSet" => StatefulSet,
            "DaemonSet" => DaemonSet,
            "ReplicaSet" => ReplicaSet,
            "Job" => Job,
            "CronJob" => CronJob,
            _ => null,
        };
        return match is not null && string.Equals(match.Group, group ?? "", StringComparison.Ordinal) ? match : null;
    }

    /// <summary>Finds the kind from an object's <c>apiVersion</c> (<c>apps/v1</c>, <c>v1</c>) and <c>kind</c>.</summary>
    public static WorkloadKind? FromApiVersion(string? apiVersion, string? kind)
    {
        if (apiVersion is null)
        {
            return null;
        }

        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var group = slash < 0 ? "" : apiVersion[..slash];
        return Find(group, kind);
    }

    public override string ToString() => Kind;
}
