using Guardrails.Policies.Packs;

namespace Guardrails.Webhook.Hosting;

/// <summary>What <c>GET /api/v1/packs</c> shows: what serves now, and why the last reload was refused if it was.</summary>
public sealed record PolicyStatus(
    long Generation,
    DateTimeOffset? LoadedAt,
    IReadOnlyList<RulePack> Packs,
    DateTimeOffset? LastFailureAt,
    IReadOnlyList<PackError> LastErrors);
