using System.Globalization;
using System.Text.RegularExpressions;

namespace Guardrails.Policies.Packs;

/// <summary>
/// Durations as Kubernetes and Go write them (<c>72h</c>, <c>1h30m</c>, <c>90s</c>), limited to hours, minutes and
/// seconds: the units a lifetime needs, and exactly what the CRD's <c>ttl</c> pattern admits, so both doors agree.
/// </summary>
public static partial class GoDuration
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (!Whole().IsMatch(text))
        {
            return false;
        }

        try
        {
            var seconds = 0m;
            foreach (Match part in Part().Matches(text))
            {
                var amount = decimal.Parse(part.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
                seconds += amount * part.Groups[2].Value switch
                {
                    "h" => 3600m,
                    "m" => 60m,
                    _ => 1m,
                };
            }

            if (seconds > (decimal)TimeSpan.MaxValue.TotalSeconds)
            {
                return false;
            }

            duration = TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond));
            return true;
        }
        catch (OverflowException)
        {
            // More digits than decimal holds: far beyond any TimeSpan anyway.
            return false;
        }
    }

    [GeneratedRegex(@"^([0-9]+(\.[0-9]+)?(h|m|s))+$", RegexOptions.CultureInvariant)]
    private static partial Regex Whole();

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?)(h|m|s)", RegexOptions.CultureInvariant)]
    private static partial Regex Part();
}
