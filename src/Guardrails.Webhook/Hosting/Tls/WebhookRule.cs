namespace Guardrails.Webhook.Hosting.Tls;

/// <summary>One entry of a webhook configuration's <c>rules</c>: what the apiserver sends for one API group.</summary>
public sealed record WebhookRule(string Group, string Version, string Scope, IReadOnlyList<string> Resources, IReadOnlyList<string> Operations);
