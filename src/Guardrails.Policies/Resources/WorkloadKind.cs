namespace Guardrails.Policies.Resources;

/// <summary>A pod-bearing kind and where its pod spec lives.</summary>
public sealed class WorkloadKind
{
    public static readonly WorkloadKind Pod = new("Pod", "", ["spec"], ReplicaSource.SinglePod);
    public static readonly WorkloadKind PodTemplate = new("PodTemplate", "", ["template", "spec"], ReplicaSource.None);
    public static readonly WorkloadKind ReplicationController = new("ReplicationController", "", ["spec", "template", "spec"], ReplicaSource.Replicas);
    public static readonly WorkloadKind Deployment = new("Deployment", "apps", ["spec", "template", "spec"], ReplicaSource.ReplicasWithSurge);
    public static readonly WorkloadKind StatefulSet = new("StatefulSet", "apps", ["spec", "template", "spec"], ReplicaSource.Replicas);
    public static readonly WorkloadKind DaemonSet = new("DaemonSet", "apps", ["spec", "template", "spec"], ReplicaSource.PerNode);
    public static readonly WorkloadKind ReplicaSet = new("ReplicaSet", "apps", ["spec", "template", "spec"], ReplicaSource.Replicas);
    public static readonly WorkloadKind Job = new("Job", "batch", ["spec", "template", "spec"], ReplicaSource.Parallelism);
    public static readonly WorkloadKind CronJob = new("CronJob", "batch", ["spec", "jobTemplate", "spec", "template", "spec"], ReplicaSource.Parallelism);

    public static IReadOnlyList<WorkloadKind> All { get; } =
        [Pod, PodTemplate, ReplicationController, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob];

    private WorkloadKind(string kind, string group, string[] podSpecSegments, ReplicaSource replicas)
    {
        Kind = kind;
        Group = group;
        PodSpecSegments = podSpecSegments;
        PodSpecPath = string.Join('.', podSpecSegments);
        PodSpecPointer = "/" + string.Join('/', podSpecSegments);
        Replicas = replicas;
        Ordinal = _nextOrdinal++;
    }

    private static int _nextOrdinal;

    public string Kind { get; }

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
