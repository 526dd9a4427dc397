using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Tests.Support;

/// <summary>Keeps every entry the host's logging lets through its filters, unfiltered by the provider itself.</summary>
internal sealed class LogEntryCounter : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(string Category, LogLevel Level, string Message)> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Counter(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Counter(string category, ConcurrentQueue<(string Category, LogLevel Level, string Message)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => entries.Enqueue((category, logLevel, formatter(state, exception)));
    }
}
