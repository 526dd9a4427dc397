namespace Guardrails.Policies.Rules.ServiceType;

public sealed record ServiceTypeParameters
{
    /// <summary>Namespaces whose Services may be of type LoadBalancer (each one is a cloud load balancer and a bill).</summary>
    public IReadOnlyList<string> LoadBalancerNamespaces { get; init; } = [];

    /// <summary>Namespaces whose Services may be of type NodePort (a port opened on every node).</summary>
    public IReadOnlyList<string> NodePortNamespaces { get; init; } = [];
}
