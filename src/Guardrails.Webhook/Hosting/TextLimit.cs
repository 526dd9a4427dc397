using System.Globalization;

namespace Guardrails.Webhook.Hosting;

/// <summary>Cuts text that came from a request before it is echoed, so an answer stays small whatever was sent.</summary>
public static class TextLimit
{
    /// <summary>The text itself when it fits; else its first <paramref name="max"/> characters and how many were left out.</summary>
    public static string Cut(string? text, int max)
    {
        if (text is null || text.Length <= max)
        {
            return text ?? "";
        }

        var keep = max;
        if (char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{text.AsSpan(0, keep)}… ({text.Length - keep} more characters)");
    }

    /// <summary>As <see cref="Cut(string?, int)"/>, keeping null as null.</summary>
    public static string? CutOrNull(string? text, int max) => text is null ? null : Cut(text, max);
}
