using Guardrails.Policies.State;
using Guardrails.Webhook.Cluster;

namespace Guardrails.Webhook.Tests.Support;

/// <summary>
/// The watch caches as they are once every watch has synced: the state's own snapshot, so every member the rules
/// read answers from the caches (a hand-forwarding wrapper silently fell back to the interface's defaults once).
/// </summary>
internal sealed class SyncedClusterState(LiveClusterState state) : IClusterStateSource
{
    public IClusterSnapshot Current => state.Snapshot(unavailable: null);

    public bool IsSynced => true;
}
