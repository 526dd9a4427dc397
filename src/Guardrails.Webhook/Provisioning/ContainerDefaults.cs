using Guardrails.Policies.Quantities;

namespace Guardrails.Webhook.Provisioning;

/// <summary>CPU and memory for one side (limits or requests) of a LimitRange's container defaults.</summary>
public sealed record ContainerDefaults(Quantity? Cpu, Quantity? Memory)
{
    public static ContainerDefaults None { get; } = new(null, null);

    public bool IsEmpty => Cpu is null && Memory is null;

    /// <summary>As Kubernetes resource names, for the LimitRange and for containers: only the values that are set.</summary>
    public IEnumerable<(string Resource, Quantity Value)> Entries()
    {
        if (Cpu is { } cpu)
        {
            yield return ("cpu", cpu);
        }

        if (Memory is { } memory)
        {
            yield return ("memory", memory);
        }
    }
}
