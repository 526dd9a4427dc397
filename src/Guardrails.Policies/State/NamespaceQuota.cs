namespace Guardrails.Policies.State;

public sealed record NamespaceQuota(IReadOnlyList<ResourceQuotaState> Quotas, IReadOnlyList<LimitRangeDefaults> LimitRanges)
{
    public static readonly NamespaceQuota None = new([], []);
}
