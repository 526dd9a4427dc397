using System.Diagnostics;

namespace Guardrails.Webhook.Tests.Hosting.Tls;

internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="limit"/> passes; how long it took.</summary>
    public static async Task<TimeSpan> WithinAsync(TimeSpan limit, Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            clock.Elapsed.ShouldBeLessThan(limit, $"not within {limit.TotalSeconds} s: {what}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        return clock.Elapsed;
    }

    public static Task<TimeSpan> WithinAsync(TimeSpan limit, Func<bool> condition, string what) =>
        WithinAsync(limit, () => Task.FromResult(condition()), what);
}
