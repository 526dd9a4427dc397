using Guardrails.Policies.State;

namespace Guardrails.Webhook.Cluster;

/// <summary>Where the host gets the current cluster snapshot: empty without a cluster, kept by watches with one.</summary>
public interface IClusterStateSource
{
    IClusterSnapshot Current { get; }

    /// <summary>Whether the snapshot reflects the cluster (gates <c>/readyz</c>).</summary>
    bool IsSynced { get; }
}
