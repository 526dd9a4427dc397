using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Guardrails.Webhook.Hosting.Logging;

/// <summary>One category's logger: formats on the calling thread (as the console logger does), queues the UTF-8 bytes.</summary>
internal sealed class BatchedConsoleLogger(string category, BatchedConsoleLoggerProvider provider, bool neverDrop) : ILogger
{
    [ThreadStatic]
    private static StringWriter? t_text;

    [ThreadStatic]
    private static Encoder? t_encoder;

    [ThreadStatic]
    private static byte[]? t_bytes;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => provider.Scopes.Push(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        ArgumentNullException.ThrowIfNull(formatter);
        var text = t_text ??= new StringWriter(CultureInfo.InvariantCulture);
        var entry = new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter);
        provider.Formatter.Write(in entry, provider.Scopes, text);
        var chars = text.GetStringBuilder();
        if (chars.Length == 0)
        {
            return;
        }

        var line = Encode(chars);
        chars.Clear();
        if (chars.Capacity > 1024)
        {
            chars.Capacity = 1024;
        }

        provider.Writer.TryAppend(line, urgent: logLevel >= LogLevel.Warning, neverDrop);
    }

    /// <summary>The formatted entry as UTF-8, chunk by chunk (no string in between), into this thread's scratch array.</summary>
    private static ReadOnlySpan<byte> Encode(StringBuilder chars)
    {
        var encoder = t_encoder ??= new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetEncoder();
        var needed = Encoding.UTF8.GetMaxByteCount(chars.Length);
        if (t_bytes is null || t_bytes.Length < needed)
        {
            t_bytes = new byte[Math.Max(needed, 1024)];
        }

        var bytes = t_bytes.AsSpan();
        var written = 0;
        foreach (var chunk in chars.GetChunks())
        {
            written += encoder.GetBytes(chunk.Span, bytes[written..], flush: false);
        }

        written += encoder.GetBytes([], bytes[written..], flush: true);
        var line = bytes[..written];

        // One huge entry (an exception with a long stack) must not keep a huge scratch array on every thread.
        if (t_bytes.Length > 64 * 1024)
        {
            t_bytes = null;
        }

        return line;
    }
}
