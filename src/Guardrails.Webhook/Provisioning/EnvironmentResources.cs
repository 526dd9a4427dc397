using Guardrails.Policies.Quantities;

namespace Guardrails.Webhook.Provisioning;

/// <summary>
/// The four sizes an environment asks for, and a team's budget in the same terms. An unset value in a request means
/// "not asked for"; in a budget it means "not limited", as an absent key in a ResourceQuota does.
/// </summary>
public sealed record EnvironmentResources(Quantity? Cpu, Quantity? Memory, Quantity? Storage, Quantity? Pods)
{
    public const string CpuName = "cpu";
    public const string MemoryName = "memory";
    public const string StorageName = "storage";
    public const string PodsName = "pods";

    public static EnvironmentResources None { get; } = new(null, null, null, null);

    /// <summary>The field names as written in YAML and JSON, in the order messages list them.</summary>
    public static IReadOnlyList<string> Names { get; } = [CpuName, MemoryName, StorageName, PodsName];

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="name"/> is not one of <see cref="Names"/>.</exception>
    public Quantity? Get(string name) => name switch
    {
        CpuName => Cpu,
        MemoryName => Memory,
        StorageName => Storage,
        PodsName => Pods,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not one of cpu, memory, storage, pods"),
    };
}
