using System.Collections.Concurrent;
using System.Threading.Channels;
using Guardrails.Policies.Engine;
using Guardrails.Policies.State;

namespace Guardrails.Webhook.Admission.Refusals;

/// <summary>
/// The queue between admission and the Events API. Admission only enqueues (never waits, never fails): a full queue
/// or an object that had an event moments ago drops the new one. <see cref="RefusalEventWriter"/> drains it.
/// </summary>
public sealed class RefusalEvents
{
    private const int MaxMessageLength = 1024;
    private readonly Channel<RefusalEvent> _queue = Channel.CreateBounded<RefusalEvent>(new BoundedChannelOptions(256)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastByObject = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;

    public RefusalEvents(TimeProvider time, TimeSpan interval)
    {
        _time = time;
        _interval = interval;
    }

    internal ChannelReader<RefusalEvent> Reader => _queue.Reader;

    /// <summary>
    /// Controllers act as the controller-manager or as their kube-system service accounts (the HPA controller's scale
    /// writes too); a person sees their own refusal in kubectl.
    /// </summary>
    public static bool IsController(string? user) =>
        user is not null && (user == "system:kube-controller-manager" || user.StartsWith("system:serviceaccount:kube-system:", StringComparison.Ordinal));

    /// <summary>Queues an event on the write's top-level owner; false when there is none, it was rate-limited, or the queue is full.</summary>
    public bool Report(AdmissionReview review, Verdict verdict, IClusterSnapshot state, string @namespace)
    {
        if (review.DryRun || !IsController(review.UserName) || RefusalTarget.Of(review.Object, state, @namespace, scaled: review.SubResource == "scale") is not { } target)
        {
            return false;
        }

        var now = _time.GetUtcNow();
        var key = $"{@namespace}/{target.Uid}";
        if (_lastByObject.TryGetValue(key, out var last) && now - last < _interval)
        {
            return false;
        }

        _lastByObject[key] = now;
        if (_lastByObject.Count > 10_000)
        {
            foreach (var old in _lastByObject.Where(p => now - p.Value >= _interval).Select(p => p.Key).ToList())
            {
                _lastByObject.TryRemove(old, out _);
            }
        }

        var reasons = string.Join("; ", verdict.Denials.Select(v => v.ToString()));
        var message = $"Guardrails refused {verdict.DisplayName} ({review.Operation.ToString().ToUpperInvariant()} by {review.UserName}): {reasons}";
        return _queue.Writer.TryWrite(new RefusalEvent(@namespace, target, message.Length <= MaxMessageLength ? message : message[..(MaxMessageLength - 1)] + "…", now));
    }
}
