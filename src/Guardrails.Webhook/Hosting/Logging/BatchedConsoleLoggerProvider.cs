using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Guardrails.Webhook.Hosting.Logging;

/// <summary>
/// The console logger's output, written in batches: each entry is formatted on the logging thread by the configured
/// console formatter (<c>Logging:Console:FormatterName</c> and <c>FormatterOptions</c>, the same bytes as the stock
/// console logger), encoded to UTF-8 and handed to a <see cref="LogBatchWriter"/> that writes many lines with one
/// <c>write(2)</c>. The <c>Console</c> alias keeps <c>Logging:Console:LogLevel</c> filters applying to it.
/// </summary>
[ProviderAlias("Console")]
internal sealed partial class BatchedConsoleLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    /// <summary>The category of the writer's own reports (lines dropped or lost).</summary>
    public const string OwnCategory = "Guardrails.Logging";

    private readonly ConcurrentDictionary<string, BatchedConsoleLogger> _loggers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConsoleFormatter> _formatters;
    private readonly IDisposable? _reload;
    private readonly BatchedConsoleLogger _own;
    private readonly int _capacityBytes;
    private volatile ConsoleFormatter _formatter;
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public BatchedConsoleLoggerProvider(IOptionsMonitor<ConsoleLoggerOptions> options, IEnumerable<ConsoleFormatter> formatters, Stream sink, int capacityBytes = LogBatchWriter.DefaultCapacityBytes, TimeSpan? linger = null, TimeSpan? disposeTimeout = null)
    {
        _formatters = formatters.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        _formatter = Select(options.CurrentValue);
        _reload = options.OnChange(changed => _formatter = Select(changed));
        _own = new BatchedConsoleLogger(OwnCategory, this, neverDrop: true);
        _capacityBytes = capacityBytes;
        Writer = new LogBatchWriter(sink, ReportLosses, capacityBytes, linger, disposeTimeout);
    }

    internal LogBatchWriter Writer { get; }

    internal ConsoleFormatter Formatter => _formatter;

    internal IExternalScopeProvider Scopes => _scopes;

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, name => new BatchedConsoleLogger(name, this, neverDrop: false));

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
        _reload?.Dispose();
        Writer.Dispose();
    }

    // As the console logger: a named formatter when it is registered, else the simple one.
    private ConsoleFormatter Select(ConsoleLoggerOptions options) =>
        options.FormatterName is { } name && _formatters.TryGetValue(name, out var named) ? named : _formatters[ConsoleFormatterNames.Simple];

    private void ReportLosses(LogLosses losses)
    {
        if (losses.Dropped > 0)
        {
            LogDropped(_own, losses.Dropped, _capacityBytes / 1024);
        }

        if (losses.Failed > 0)
        {
            LogFailed(_own, losses.Failed, losses.LastFailure ?? "unknown");
        }
    }

    [LoggerMessage(EventId = 900, Level = LogLevel.Warning, Message = "Dropped {Count} log lines: the log reader fell behind and the {CapacityKiB} KiB log buffer was full")]
    private static partial void LogDropped(ILogger logger, long count, int capacityKiB);

    [LoggerMessage(EventId = 901, Level = LogLevel.Warning, Message = "Lost {Count} log lines: writing them to the log output failed ({Reason})")]
    private static partial void LogFailed(ILogger logger, long count, string reason);
}
