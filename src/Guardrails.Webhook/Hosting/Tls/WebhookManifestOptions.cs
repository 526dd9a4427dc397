namespace Guardrails.Webhook.Hosting.Tls;

/// <summary>How the API server reaches the webhook: a <see cref="Url"/>, or a Service (<see cref="ServiceName"/>), not both.</summary>
public sealed record WebhookManifestOptions
{
    /// <summary>
    /// Base https URL the webhook listens on, e.g. <c>https://127.0.0.1:8443</c>; <c>/validate</c> and <c>/mutate</c>
    /// are appended.
    /// </summary>
    public string? Url { get; init; }

    public string? ServiceName { get; init; }

    /// <summary>The Service's namespace; defaults to <see cref="OwnNamespace"/>.</summary>
    public string? ServiceNamespace { get; init; }

    public int ServicePort { get; init; } = 443;

    /// <summary>1 to 30, as the API server allows.</summary>
    public int TimeoutSeconds { get; init; } = 5;

    /// <summary><c>Fail</c> or <c>Ignore</c>.</summary>
    public string FailurePolicy { get; init; } = "Fail";

    /// <summary>The namespace guardrails runs in; excluded from admission so it can always be repaired.</summary>
    public string OwnNamespace { get; init; } = "guardrails";
}
