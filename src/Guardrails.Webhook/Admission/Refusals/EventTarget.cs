namespace Guardrails.Webhook.Admission.Refusals;

/// <summary>An Event's <c>involvedObject</c>.</summary>
public sealed record EventTarget(string ApiVersion, string Kind, string Name, string Uid);
