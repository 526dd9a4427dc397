using Guardrails.Policies.Engine;
using Guardrails.Policies.Packs;

namespace Guardrails.Webhook.Hosting;

/// <summary>
/// The compiled policy requests are answered with. Swapped whole on a good reload; a bad reload changes only the
/// reported errors, so the last good policy keeps serving.
/// </summary>
public sealed class PolicyStore
{
    private readonly TimeProvider _time;
    private volatile CompiledPolicy? _current;
    private volatile PolicyStatus _status = new(0, null, [], null, []);

    public PolicyStore(TimeProvider time)
    {
        _time = time;
    }

    public CompiledPolicy? Current => _current;

    public PolicyStatus Status => _status;

    public event Action<PolicyLoadResult>? Reloaded;

    /// <summary>Applies a load result: a compiled policy replaces the current one, errors are kept for display.</summary>
    public void Apply(PolicyLoadResult result)
    {
        var now = _time.GetUtcNow();
        var previous = _status;
        if (result.Policy is { } policy)
        {
            _current = policy;
            _status = new PolicyStatus(previous.Generation + 1, now, policy.Packs, null, []);
        }
        else
        {
            _status = previous with { LastFailureAt = now, LastErrors = result.Errors };
        }

        Reloaded?.Invoke(result);
    }
}
