namespace Guardrails.Policies.State;

/// <summary>The controller owner of an object (its <c>ownerReferences</c> entry with <c>controller: true</c>).</summary>
public sealed record WorkloadOwner(string Kind, string Name, string Uid);
