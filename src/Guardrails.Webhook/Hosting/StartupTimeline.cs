using System.Globalization;

namespace Guardrails.Webhook.Hosting;

/// <summary>
/// Opt-in start-up milestones for the load benchmark's timeline: with <c>GUARDRAILS_STARTUP_TIMELINE=1</c> each mark
/// writes one line to stderr (<c>guardrails-startup &lt;milestone&gt; &lt;unix µs&gt;</c>, wall clock, so the benchmark can
/// set it against the moment it started the process). Off, a mark is one static bool read.
/// </summary>
public static class StartupTimeline
{
    /// <summary>The environment variable that turns the marks on.</summary>
    public const string Variable = "GUARDRAILS_STARTUP_TIMELINE";

    /// <summary>What every mark line starts with.</summary>
    public const string Prefix = "guardrails-startup ";

    private static readonly bool Enabled = Environment.GetEnvironmentVariable(Variable) == "1";

    private static readonly Lock Gate = new();

    private static HashSet<string>? _marked;

    /// <summary>Marks each milestone's first call only (a request handler's first run); off, a call costs one static read.</summary>
    public static void MarkOnce(string milestone)
    {
        if (!Enabled)
        {
            return;
        }

        lock (Gate)
        {
            _marked ??= new HashSet<string>(StringComparer.Ordinal);
            if (!_marked.Add(milestone))
            {
                return;
            }
        }

        Mark(milestone);
    }

    public static void Mark(string milestone)
    {
        if (Enabled)
        {
            var micros = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Prefix}{milestone} {micros}"));
        }
    }
}
