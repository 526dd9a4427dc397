using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Guardrails.Webhook.Telemetry;

/// <summary>
/// The webhook's own instruments. Every method is safe to call on the request path: tags travel in a stack-allocated
/// <see cref="TagList"/> and nothing is recorded anywhere unless a MeterProvider listens to the <c>Guardrails</c> meter.
/// </summary>
public sealed class GuardrailsMetrics
{
    /// <summary>
    /// Explicit histogram buckets. The OTel defaults start at 5 ms, which would put every in-process evaluation
    /// into the first bucket; these resolve percentiles down to tens of microseconds.
    /// </summary>
    public static readonly IReadOnlyList<double> DurationBuckets =
    [
        0.00005, 0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ];

    private static readonly KeyValuePair<string, object?> ReloadSucceeded = new("result", "success");
    private static readonly KeyValuePair<string, object?> ReloadFailed = new("result", "failure");

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _violations;
    private readonly Counter<long> _packReloads;
    private readonly Counter<long> _staleState;
    private readonly Counter<long> _reconciles;
    private Func<int>? _loadedPackCount;

    private Func<IEnumerable<(string Namespace, string Rule, int Count)>>? _activeExceptions;

    public GuardrailsMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);

        // The factory owns the meter, so the container disposes it with everything else at shutdown.
        var meter = meterFactory.Create(GuardrailsTelemetry.SourceName);

        _requests = meter.CreateCounter<long>(
            "guardrails.requests",
            unit: "{request}",
            description: "Requests handled, by door, operation, object kind and verdict.");
        _requestDuration = meter.CreateHistogram(
            "guardrails.request.duration",
            unit: "s",
            description: "Time spent handling a request.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _violations = meter.CreateCounter<long>(
            "guardrails.violations",
            unit: "{violation}",
            description: "Rule violations found, by rule and enforcement mode.");
        _packReloads = meter.CreateCounter<long>(
            "guardrails.pack.reloads",
            unit: "{reload}",
            description: "Rule pack reload attempts, by result.");
        _staleState = meter.CreateCounter<long>(
            "guardrails.cluster.state.stale",
            unit: "{decision}",
            description: "Decisions taken while the cached cluster state was stale, by reason.");
        _reconciles = meter.CreateCounter<long>(
            "guardrails.provisioning.reconciles",
            unit: "{reconcile}",
            description: "Environment reconciles by the provisioning controller, by result.");
        meter.CreateObservableGauge(
            "guardrails.packs.loaded",
            ObserveLoadedPacks,
            unit: "{pack}",
            description: "Rule packs currently loaded.");
        meter.CreateObservableGauge(
            "guardrails.exceptions.active",
            ObserveActiveExceptions,
            unit: "{exception}",
            description: "PolicyExceptions covering violations now, by namespace and rule.");
    }

    /// <summary>Feeds the <c>guardrails.exceptions.active</c> gauge, pulled at collection time; nothing is reported until set.</summary>
    public void SetActiveExceptions(Func<IEnumerable<(string Namespace, string Rule, int Count)>> active)
    {
        ArgumentNullException.ThrowIfNull(active);
        Volatile.Write(ref _activeExceptions, active);
    }

    private IEnumerable<Measurement<int>> ObserveActiveExceptions()
    {
        var source = Volatile.Read(ref _activeExceptions);
        return source is null
            ? []
            : [.. source().Select(a => new Measurement<int>(a.Count, new KeyValuePair<string, object?>("namespace", a.Namespace), new KeyValuePair<string, object?>("rule", a.Rule)))];
    }

    /// <param name="door"><c>admission</c>, <c>dryrun</c> or <c>provisioning</c>.</param>
    /// <param name="operation"><c>validate</c>, <c>mutate</c>, <c>evaluate</c>, ...</param>
    /// <param name="kind">Kind of the object under review; recorded through <see cref="KindLabel"/>, so unknown kinds are <c>other</c>.</param>
    /// <param name="verdict"><c>allowed</c>, <c>denied</c>, <c>warned</c>, <c>error</c> or <c>skipped</c>; for the provisioning
    /// door <c>ready</c>, <c>pending</c>, <c>rejected</c>, <c>unauthorized</c>, <c>ok</c>, <c>invalid</c> or <c>error</c>.</param>
    /// <param name="elapsed">Time spent handling the request.</param>
    public void RecordRequest(string door, string operation, string kind, string verdict, TimeSpan elapsed)
    {
        var tags = new TagList
        {
            { "door", door },
            { "operation", operation },
            { "kind", KindLabel.For(kind) },
            { "verdict", verdict },
        };
        _requests.Add(1, in tags);
        _requestDuration.Record(elapsed.TotalSeconds, in tags);
    }

    public void RecordViolation(string rule, string mode, long count = 1)
    {
        var tags = new TagList
        {
            { "rule", rule },
            { "mode", mode },
        };
        _violations.Add(count, in tags);
    }

    public void RecordPackReload(bool success) => _packReloads.Add(1, success ? ReloadSucceeded : ReloadFailed);

    /// <param name="result"><c>done</c>, <c>requeued</c> (looked at again later, as for a TTL), <c>retrying</c> (after a
    /// failure, backing off), <c>deadline</c> (cancelled after too long) or <c>failed</c> (an unexpected error).</param>
    public void RecordReconcile(string result) => _reconciles.Add(1, new KeyValuePair<string, object?>("result", result));

    public void RecordStaleState(string reason) => _staleState.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>
    /// Feeds the <c>guardrails.packs.loaded</c> gauge. The count is pulled at collection time, so the owner of the packs
    /// need not push every change; until this is called the gauge reports nothing rather than a misleading zero.
    /// </summary>
    public void SetLoadedPackCount(Func<int> loadedPackCount)
    {
        ArgumentNullException.ThrowIfNull(loadedPackCount);
        Volatile.Write(ref _loadedPackCount, loadedPackCount);
    }

    private IEnumerable<Measurement<int>> ObserveLoadedPacks()
    {
        var source = Volatile.Read(ref _loadedPackCount);
        return source is null ? [] : [new Measurement<int>(source())];
    }
}
