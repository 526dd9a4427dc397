namespace Guardrails.Policies.State;

/// <summary>
/// An immutable view of the cluster state rules may read. The engine never calls the Kubernetes API itself:
/// the host keeps this current from watches, the CLI builds it from files, tests build it by hand.
/// </summary>
public interface IClusterSnapshot
{
    NamespaceInfo? GetNamespace(string name);

    /// <summary>ResourceQuotas and LimitRanges of a namespace; <see cref="NamespaceQuota.None"/> when it has none.</summary>
    NamespaceQuota GetQuota(string @namespace);

    /// <summary>A workload by uid, from the watch caches or admitted moments ago; null when unknown (and without a cluster).</summary>
    WorkloadSummary? GetWorkload(string @namespace, string uid) => null;

    /// <summary>A workload by kind and name, for objects that name their target (HorizontalPodAutoscalers).</summary>
    WorkloadSummary? FindWorkload(string @namespace, string kind, string name) => null;

    /// <summary>The workloads whose controller owner has this uid (a Deployment's ReplicaSets, a CronJob's Jobs).</summary>
    IReadOnlyList<WorkloadSummary> ChildrenOf(string @namespace, string ownerUid) => [];

    /// <summary>Every workload of a namespace (top-level and owned), for rules that select workloads by their pods' labels (PodDisruptionBudgets).</summary>
    IReadOnlyList<WorkloadSummary> WorkloadsIn(string @namespace) => [];

    /// <summary>
    /// The workloads of a namespace a selector may select: every one it does, perhaps more (callers still match the
    /// whole selector). A snapshot with an index of pod labels answers a selector with matchLabels from it; by default,
    /// and for a selector with only matchExpressions, every workload of the namespace.
    /// </summary>
    IReadOnlyList<WorkloadSummary> WorkloadCandidates(string @namespace, Packs.LabelSelector selector) => WorkloadsIn(@namespace);

    /// <summary>The PodDisruptionBudgets of a namespace, for judging a workload's scale-down against them.</summary>
    IReadOnlyList<DisruptionBudgetSummary> DisruptionBudgetsIn(string @namespace) => [];

    /// <summary>The NetworkPolicies of a namespace, for judging a policy change against the ones beside it.</summary>
    IReadOnlyList<NetworkPolicySummary> NetworkPoliciesIn(string @namespace) => [];

    /// <summary>Why this snapshot cannot be trusted (not synced yet, watches failing), or null when it is current.</summary>
    string? Unavailable { get; }
}
