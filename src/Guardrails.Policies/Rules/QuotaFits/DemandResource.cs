namespace Guardrails.Policies.Rules.QuotaFits;

/// <summary>The per-pod resources a ResourceQuota can count, with every quota key that names each.</summary>
internal enum DemandResource
{
    RequestsCpu,
    RequestsMemory,
    RequestsEphemeralStorage,
    LimitsCpu,
    LimitsMemory,
    LimitsEphemeralStorage,
    Pods,
}
