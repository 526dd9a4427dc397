using Guardrails.Policies.State;
using Guardrails.Webhook.Cluster;

namespace Guardrails.Benchmarks;

/// <summary>The watch caches as they are once every watch has synced, forwarding everything the rules read.</summary>
internal sealed class SyncedClusterState(LiveClusterState state) : IClusterStateSource
{
    public IClusterSnapshot Current => new Snapshot(state.Current);

    public bool IsSynced => true;

    private sealed class Snapshot(IClusterSnapshot inner) : IClusterSnapshot
    {
        public string? Unavailable => null;

        public NamespaceInfo? GetNamespace(string name) => inner.GetNamespace(name);

        public NamespaceQuota GetQuota(string @namespace) => inner.GetQuota(@namespace);

        public WorkloadSummary? GetWorkload(string @namespace, string uid) => inner.GetWorkload(@namespace, uid);

        public WorkloadSummary? FindWorkload(string @namespace, string kind, string name) => inner.FindWorkload(@namespace, kind, name);

        public IReadOnlyList<WorkloadSummary> ChildrenOf(string @namespace, string ownerUid) => inner.ChildrenOf(@namespace, ownerUid);

        public IReadOnlyList<WorkloadSummary> WorkloadsIn(string @namespace) => inner.WorkloadsIn(@namespace);

        public IReadOnlyList<WorkloadSummary> WorkloadCandidates(string @namespace, Policies.Packs.LabelSelector selector) => inner.WorkloadCandidates(@namespace, selector);

        public IReadOnlyList<DisruptionBudgetSummary> DisruptionBudgetsIn(string @namespace) => inner.DisruptionBudgetsIn(@namespace);

        public IReadOnlyList<NetworkPolicySummary> NetworkPoliciesIn(string @namespace) => inner.NetworkPoliciesIn(@namespace);
    }
}
