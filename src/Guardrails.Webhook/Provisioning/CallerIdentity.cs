namespace Guardrails.Webhook.Provisioning;

/// <summary>Who called the REST door, as the apiserver's TokenReview says.</summary>
public sealed record CallerIdentity(string User, IReadOnlyList<string> Groups);
