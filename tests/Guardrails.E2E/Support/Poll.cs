using System.Diagnostics;

namespace Guardrails.E2E.Support;

/// <summary>Bounded waiting for the cluster to converge: every wait in the suite has a deadline.</summary>
internal static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>True once <paramref name="condition"/> holds; false when <paramref name="timeout"/> passed first.</summary>
    public static async Task<bool> UntilAsync(Func<CancellationToken, Task<bool>> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await condition(cancellationToken))
            {
                return true;
            }

            if (watch.Elapsed >= timeout)
            {
                return false;
            }

            await Task.Delay(Interval, cancellationToken);
        }
    }
}
