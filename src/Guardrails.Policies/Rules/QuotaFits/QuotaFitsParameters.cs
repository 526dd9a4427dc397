namespace Guardrails.Policies.Rules.QuotaFits;

public sealed record QuotaFitsParameters
{
    /// <summary>Count a Deployment's rolling-update <c>maxSurge</c> pods, which run beside the old ones during a rollout.</summary>
    public bool CountSurge { get; init; } = true;

    /// <summary>
    /// What to do when cluster state is missing or stale: <c>Allow</c> (with a warning) or <c>Deny</c>.
    /// Either way the answer comes inside the apiserver's timeout.
    /// </summary>
    public string WhenStateUnavailable { get; init; } = "Allow";
}
