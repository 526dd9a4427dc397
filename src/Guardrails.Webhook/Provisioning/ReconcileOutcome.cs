namespace Guardrails.Webhook.Provisioning;

/// <summary>What the controller does after one reconcile: nothing more, or look again after a while.</summary>
public readonly record struct ReconcileOutcome(TimeSpan? RequeueAfter)
{
    public static ReconcileOutcome Done => new(null);

    public static ReconcileOutcome After(TimeSpan delay) => new(delay);
}
