namespace Guardrails.Policies.State;

/// <summary>One entry of <c>spec.ingress</c>: an empty or absent <c>from</c> admits every source.</summary>
public sealed record NetworkPolicyIngressRule(IReadOnlyList<NetworkPolicyPeer> From)
{
    public bool AllowsEverySource => From.Count == 0;
}
