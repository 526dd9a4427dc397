using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Tests.Hosting.Tls;

internal sealed class RecordingLogger : ILogger
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Message)> Entries => [.. _entries];

    public bool Has(LogLevel level, params string[] fragments) =>
        _entries.Any(e => e.Level == level && fragments.All(f => e.Message.Contains(f, StringComparison.Ordinal)));

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue((logLevel, formatter(state, exception) + (exception is null ? "" : " " + exception)));
}
