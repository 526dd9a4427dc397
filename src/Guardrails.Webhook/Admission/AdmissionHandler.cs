namespace Guardrails.Webhook.Admission;

/// <summary>
/// The admission chain, as in Kyverno's handlers: one core decision wrapped in small decorators
/// (<c>WithDeadline</c>, <c>WithLogging</c>, <c>WithMetrics</c>, <c>WithTracing</c>).
/// </summary>
public delegate ValueTask<AdmissionDecision> AdmissionHandler(AdmissionCall call);
