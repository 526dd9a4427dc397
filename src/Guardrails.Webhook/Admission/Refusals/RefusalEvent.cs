namespace Guardrails.Webhook.Admission.Refusals;

/// <summary>A Warning Event to record on the object a person created, about a controller's write Guardrails refused.</summary>
/// <param name="Target">The top-level owner the event is about (the Deployment, CronJob, StatefulSet).</param>
public sealed record RefusalEvent(string Namespace, EventTarget Target, string Message, DateTimeOffset At);
