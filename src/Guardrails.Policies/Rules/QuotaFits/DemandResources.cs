namespace Guardrails.Policies.Rules.QuotaFits;

internal static class DemandResources
{
    public const int PerPodCount = 6;

    /// <summary>Maps a ResourceQuota <c>hard</c> key to what it counts; <c>cpu</c> is the same as <c>requests.cpu</c>.</summary>
    public static DemandResource? FromQuotaKey(string key) => key switch
    {
        "cpu" or "requests.cpu" => DemandResource.RequestsCpu,
        "memory" or "requests.memory" => DemandResource.RequestsMemory,
        "ephemeral-storage" or "requests.ephemeral-storage" => DemandResource.RequestsEphemeralStorage,
        "limits.cpu" => DemandResource.LimitsCpu,
        "limits.memory" => DemandResource.LimitsMemory,
        "limits.ephemeral-storage" => DemandResource.LimitsEphemeralStorage,
        "pods" or "count/pods" => DemandResource.Pods,
        _ => null,
    };

    public static (string Section, string Resource) Field(this DemandResource resource) => resource switch
    {
        DemandResource.RequestsCpu => ("requests", "cpu"),
        DemandResource.RequestsMemory => ("requests", "memory"),
        DemandResource.RequestsEphemeralStorage => ("requests", "ephemeral-storage"),
        DemandResource.LimitsCpu => ("limits", "cpu"),
        DemandResource.LimitsMemory => ("limits", "memory"),
        DemandResource.LimitsEphemeralStorage => ("limits", "ephemeral-storage"),
        _ => ("", "pods"),
    };
}
