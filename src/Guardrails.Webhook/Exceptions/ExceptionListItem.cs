namespace Guardrails.Webhook.Exceptions;

/// <summary>One entry of <c>GET /api/v1/exceptions</c>.</summary>
public sealed record ExceptionListItem(
    string Namespace,
    string Name,
    string Rule,
    string Target,
    string State,
    IReadOnlyList<string> Reasons,
    string? Reason,
    string? Ticket,
    string? RequestedBy,
    string? ApprovedBy,
    DateTimeOffset Expires,
    long SecondsLeft);
