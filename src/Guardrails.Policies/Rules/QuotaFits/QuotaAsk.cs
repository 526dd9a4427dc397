using Guardrails.Policies.Resources;
using Guardrails.Policies.State;

namespace Guardrails.Policies.Rules.QuotaFits;

/// <summary>What one write asks of a namespace's quota: so many pods of one per-pod demand, less what its current version holds.</summary>
/// <param name="Who">How the message names it, e.g. <c>Deployment team-a/web</c>.</param>
/// <param name="Count">Pods at once; null when unknown (DaemonSets) or none (PodTemplates).</param>
/// <param name="Released">What the object's current version holds and gives back (UPDATE, scale); null on CREATE.</param>
/// <param name="Path">Where the message points: <c>spec</c>, <c>spec.replicas</c>, a bare Pod's containers.</param>
/// <param name="UnsetPath">Where a container without a needed value is.</param>
/// <param name="CountsObject">A CREATE: one more object against <c>count/...</c> quotas.</param>
/// <param name="Lower">What the fix asks to lower (<c>replicas</c>, <c>maxReplicas</c>); null for a bare Pod.</param>
internal sealed record QuotaAsk(
    string Who,
    WorkloadKind Kind,
    PodCount? Count,
    PodDemand? PerPod,
    (PodDemand PerPod, long Count)? Released,
    PodScopeFacts? Facts,
    string Path,
    string UnsetPath,
    bool CountsObject,
    string? Lower);
