namespace Guardrails.Webhook.Exceptions;

/// <summary>The answer of <c>GET /api/v1/exceptions</c>: judged at <see cref="Now"/>.</summary>
public sealed record ExceptionListResponse(DateTimeOffset Now, int Count, IReadOnlyList<ExceptionListItem> Exceptions);
