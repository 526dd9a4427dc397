namespace Guardrails.Policies.Rules.ProbesRequired;

public sealed record ProbesRequiredParameters
{
    /// <summary>Also require a liveness probe. Off by default: a wrong liveness probe restarts healthy pods.</summary>
    public bool RequireLiveness { get; init; }
}
