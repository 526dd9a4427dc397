using Guardrails.Policies.State;

namespace Guardrails.Webhook.Cluster;

/// <summary>No cluster configured: requests carry their own state (dry-run), admission sees none.</summary>
public sealed class NoClusterStateSource : IClusterStateSource
{
    public IClusterSnapshot Current => ClusterSnapshot.Empty;

    public bool IsSynced => true;
}
