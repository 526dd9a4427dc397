namespace Guardrails.Policies.Rules.ResourceRequirements;

/// <summary>One of the four container resource fields the rule knows, as written in packs (<c>limits.memory</c>).</summary>
public sealed record ResourceField(string Key, string Section, string Resource, string Noun, string Example)
{
    public static readonly ResourceField RequestsCpu = new("requests.cpu", "requests", "cpu", "CPU request", "100m");
    public static readonly ResourceField RequestsMemory = new("requests.memory", "requests", "memory", "memory request", "128Mi");
    public static readonly ResourceField LimitsCpu = new("limits.cpu", "limits", "cpu", "CPU limit", "500m");
    public static readonly ResourceField LimitsMemory = new("limits.memory", "limits", "memory", "memory limit", "256Mi");

    public static IReadOnlyList<ResourceField> All { get; } = [RequestsCpu, RequestsMemory, LimitsCpu, LimitsMemory];

    public static IReadOnlyList<string> Keys { get; } = All.Select(f => f.Key).ToArray();

    public static ResourceField? Find(string key) => All.FirstOrDefault(f => f.Key == key);
}
