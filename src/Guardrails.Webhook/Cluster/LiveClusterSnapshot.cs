using System.Collections.Immutable;
using Guardrails.Policies.State;

namespace Guardrails.Webhook.Cluster;

/// <summary>An immutable view of the watch caches at one moment, with reservations applied when quota is read.</summary>
internal sealed class LiveClusterSnapshot : IClusterSnapshot
{
    private readonly ImmutableDictionary<string, NamespaceInfo> _namespaces;
    private readonly ImmutableDictionary<string, ImmutableDictionary<string, ResourceQuotaState>> _quotas;
    private readonly ImmutableDictionary<string, ImmutableDictionary<string, LimitRangeDefaults>> _limitRanges;
    private readonly QuotaReservations _reservations;

    public LiveClusterSnapshot(
        ImmutableDictionary<string, NamespaceInfo> namespaces,
        ImmutableDictionary<string, ImmutableDictionary<string, ResourceQuotaState>> quotas,
        ImmutableDictionary<string, ImmutableDictionary<string, LimitRangeDefaults>> limitRanges,
        QuotaReservations reservations,
        string? unavailable)
    {
        _namespaces = namespaces;
        _quotas = quotas;
        _limitRanges = limitRanges;
        _reservations = reservations;
        Unavailable = unavailable;
    }

    public string? Unavailable { get; }

    public NamespaceInfo? GetNamespace(string name) => _namespaces.GetValueOrDefault(name);

    public NamespaceQuota GetQuota(string @namespace)
    {
        var quotas = _quotas.GetValueOrDefault(@namespace);
        var limitRanges = _limitRanges.GetValueOrDefault(@namespace);
        if (quotas is null && limitRanges is null)
        {
            return NamespaceQuota.None;
        }

        var withReservations = quotas is null
            ? []
            : quotas.Values
                .OrderBy(q => q.Name, StringComparer.Ordinal)
                .Select(q => _reservations.ReservedFor(@namespace, q.Name) is { } reserved ? q with { Reserved = reserved } : q)
                .ToList();
        return new NamespaceQuota(withReservations, limitRanges is null ? [] : [.. limitRanges.Values.OrderBy(l => l.Name, StringComparer.Ordinal)]);
    }
}
