using Guardrails.Policies.Packs;

namespace Guardrails.Policies.Engine;

/// <summary>A compiled policy, or every reason the packs were refused.</summary>
public sealed record PolicyLoadResult(CompiledPolicy? Policy, IReadOnlyList<PackError> Errors)
{
    public bool Succeeded => Policy is not null;
}
