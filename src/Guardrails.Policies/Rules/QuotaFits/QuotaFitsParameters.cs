namespace Guardrails.Policies.Rules.QuotaFits;

public sealed record QuotaFitsParameters
{
    /// <summary>Count a Deployment's rolling-update <c>maxSurge</c> pods, which run beside the old ones during a rollout.</summary>
    public bool CountSurge { get; init; } = true;
}
