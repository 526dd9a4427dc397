using System.Globalization;
using System.Text.Json;
using Guardrails.Policies.Resources;

namespace Guardrails.Policies.State;

/// <summary>An <c>IntOrString</c> count as PodDisruptionBudgets write it: <c>2</c> or <c>"50%"</c>.</summary>
public readonly record struct IntOrPercent(long Value, bool IsPercent)
{
    /// <summary>The value, or null when absent or neither a whole number nor a percentage.</summary>
    public static IntOrPercent? Read(JsonElement element)
    {
        if (element.AsInt64() is { } number)
        {
            return new IntOrPercent(number, false);
        }

        var text = element.AsString();
        if (text is { Length: > 1 } && text[^1] == '%'
            && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var percent))
        {
            return new IntOrPercent(percent, true);
        }

        return null;
    }

    /// <summary>
    /// The count out of <paramref name="total"/>, rounded up as the disruption controller rounds both minAvailable and
    /// maxUnavailable (<c>GetScaledValueFromIntOrPercent(..., roundUp: true)</c>).
    /// </summary>
    public long Of(long total) => IsPercent ? (long)Math.Ceiling(Value * (decimal)total / 100m) : Value;

    public override string ToString() => IsPercent ? $"{Value.ToString(CultureInfo.InvariantCulture)}%" : Value.ToString(CultureInfo.InvariantCulture);
}
