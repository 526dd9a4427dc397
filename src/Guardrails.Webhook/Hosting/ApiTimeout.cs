using System.Globalization;

namespace Guardrails.Webhook.Hosting;

/// <summary>The apiserver appends <c>?timeout=10s</c> (a Go duration); answering after it passed is answering no one.</summary>
public static class ApiTimeout
{
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(500);

    public static TimeSpan Deadline(string? timeout, TimeSpan fallback)
    {
        var total = Parse(timeout) ?? fallback;
        var deadline = total - Margin;
        return deadline > TimeSpan.FromMilliseconds(100) ? deadline : TimeSpan.FromMilliseconds(100);
    }

    public static TimeSpan? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : (text, 1.0);
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 && value < 3600
            ? TimeSpan.FromSeconds(value * unit)
            : null;
    }
}
