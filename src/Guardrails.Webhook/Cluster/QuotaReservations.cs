using Guardrails.Policies.Engine;
using Guardrails.Policies.Quantities;

namespace Guardrails.Webhook.Cluster;

/// <summary>
/// Quota Guardrails admitted moments ago that the ResourceQuota's status does not show yet. Without it, two
/// requests that each fit but not together would both pass. A reservation shrinks as the quota's used amount grows
/// towards the level it was admitted at (used and reserved then, plus itself), so a pod that exists is counted once,
/// in used, not also in reserved; it ends when used reaches that level or after a TTL, whichever comes first.
/// </summary>
public sealed class QuotaReservations
{
    private readonly Dictionary<string, List<Reservation>> _byNamespace = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly Lock[] _admissionLocks = [.. Enumerable.Range(0, 64).Select(_ => new Lock())];
    private readonly TimeProvider _time;
    private readonly TimeSpan _ttl;

    public QuotaReservations(TimeProvider time, TimeSpan ttl)
    {
        _time = time;
        _ttl = ttl;
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byNamespace.Values.Sum(l => l.Count);
            }
        }
    }

    /// <summary>Held across check-and-reserve, so concurrent requests to one namespace are judged one after the other.</summary>
    public Lock AdmissionLock(string @namespace) => _admissionLocks[(StringComparer.Ordinal.GetHashCode(@namespace) & int.MaxValue) % _admissionLocks.Length];

    /// <param name="usedNow">The quota's used and reserved amounts together for each claim's resource when it was judged.</param>
    public void Reserve(IReadOnlyList<QuotaClaim> claims, Func<QuotaClaim, Quantity> usedNow)
    {
        var expires = _time.GetUtcNow() + _ttl;
        lock (_lock)
        {
            foreach (var claim in claims)
            {
                if (!_byNamespace.TryGetValue(claim.Namespace, out var list))
                {
                    _byNamespace[claim.Namespace] = list = [];
                }

                list.Add(new Reservation(claim.Quota, claim.Resource, claim.Amount, usedNow(claim) + claim.Amount, expires));
            }
        }
    }

    /// <summary>Active reservations of one quota, summed per resource, less what <paramref name="used"/> already shows; null when there are none.</summary>
    public IReadOnlyDictionary<string, Quantity>? ReservedFor(string @namespace, string quota, IReadOnlyDictionary<string, Quantity> used)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (!_byNamespace.TryGetValue(@namespace, out var list))
            {
                return null;
            }

            list.RemoveAll(r => r.Expires <= now);
            Dictionary<string, Quantity>? sums = null;
            foreach (var reservation in list)
            {
                if (reservation.Quota == quota)
                {
                    // Growth of used since admission is taken as this reservation's pods arriving, oldest first.
                    var outstanding = reservation.ReleasedWhenUsedReaches - used.GetValueOrDefault(reservation.Resource);
                    var effective = outstanding > reservation.Amount ? reservation.Amount : outstanding.Value > 0 ? outstanding : Quantity.Zero;
                    sums ??= new Dictionary<string, Quantity>(StringComparer.Ordinal);
                    sums[reservation.Resource] = sums.GetValueOrDefault(reservation.Resource) + effective;
                }
            }

            return sums;
        }
    }

    /// <summary>The quota's status changed: reservations it now accounts for are released.</summary>
    public void QuotaObserved(string @namespace, string quota, IReadOnlyDictionary<string, Quantity> used)
    {
        lock (_lock)
        {
            if (_byNamespace.TryGetValue(@namespace, out var list))
            {
                list.RemoveAll(r => r.Quota == quota && used.TryGetValue(r.Resource, out var now) && now >= r.ReleasedWhenUsedReaches);
            }
        }
    }

    private sealed record Reservation(string Quota, string Resource, Quantity Amount, Quantity ReleasedWhenUsedReaches, DateTimeOffset Expires);
}
