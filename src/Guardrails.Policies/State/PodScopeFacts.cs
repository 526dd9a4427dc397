namespace Guardrails.Policies.State;

/// <summary>What quota scopes look at in a pod: QoS best-effort, an active deadline, the priority class.</summary>
public sealed record PodScopeFacts(bool BestEffort, bool Terminating, string? PriorityClassName);
