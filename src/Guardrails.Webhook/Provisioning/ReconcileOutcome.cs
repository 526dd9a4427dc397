namespace Guardrails.Webhook.Provisioning;

/// <summary>
/// What the controller does after one reconcile: nothing more, or look again after a while. <see cref="Retrying"/>
/// marks a retry after a failure, whose delay grows while the failures go on.
/// </summary>
public readonly record struct ReconcileOutcome(TimeSpan? RequeueAfter, bool Retrying = false)
{
    public static ReconcileOutcome Done => new(null);

    public static ReconcileOutcome After(TimeSpan delay) => new(delay);
}
