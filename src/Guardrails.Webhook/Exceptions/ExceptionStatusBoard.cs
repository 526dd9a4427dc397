using Guardrails.Policies.Exceptions;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Hosting;

namespace Guardrails.Webhook.Exceptions;

/// <summary>
/// Every cached exception judged at this moment against the packs serving now, exactly as the engine judges it when
/// asked to cover a violation: the list endpoint, the gauge and the status writer all read it from here.
/// </summary>
public sealed class ExceptionStatusBoard
{
    private readonly IExceptionSource _exceptions;
    private readonly PolicyStore _policies;
    private readonly IClusterStateSource _cluster;
    private readonly TimeProvider _time;

    public ExceptionStatusBoard(IExceptionSource exceptions, PolicyStore policies, IClusterStateSource cluster, TimeProvider time)
    {
        _exceptions = exceptions;
        _policies = policies;
        _cluster = cluster;
        _time = time;
    }

    public DateTimeOffset Now => _time.GetUtcNow();

    public IReadOnlyList<ExceptionStatusEntry> Judge(DateTimeOffset? at = null)
    {
        var now = at ?? _time.GetUtcNow();
        var policy = _policies.Current;
        var cluster = _cluster.Current;
        return
        [
            .. _exceptions.Current.All
                .OrderBy(e => e.Namespace, StringComparer.Ordinal)
                .ThenBy(e => e.Name, StringComparer.Ordinal)
                .Select(e => new ExceptionStatusEntry(
                    e,
                    ExceptionJudge.Judge(e, policy?.ExceptionBoundsFor(e.Rule), cluster.GetNamespace(e.Namespace)?.Labels, now),
                    e.Expires > now ? e.Expires - now : TimeSpan.Zero)),
        ];
    }

    /// <summary>Active exceptions by namespace and rule, for the <c>guardrails.exceptions.active</c> gauge.</summary>
    public IEnumerable<(string Namespace, string Rule, int Count)> ActiveByNamespaceAndRule() =>
        Judge()
            .Where(e => e.Judgement.State == ExceptionState.Active)
            .GroupBy(e => (e.Exception.Namespace, e.Exception.Rule))
            .Select(g => (g.Key.Namespace, g.Key.Rule, g.Count()));
}
