using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Tests.Support;

/// <summary>Keeps the host's log lines so a failing test can show what the server was doing.</summary>
internal sealed class LogRecorder : ILoggerProvider
{
    private const int MaxLines = 5000;

    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Recorder(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (category.StartsWith("Guardrails", StringComparison.Ordinal) || logLevel >= LogLevel.Error)
            {
                lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)} {exception?.GetType().Name} {exception?.Message}");

                // The newest lines are kept: keeping the first ones once made a busy loop look like a stall.
                while (lines.Count > MaxLines && lines.TryDequeue(out _))
                {
                }
            }
        }
    }
}
