using Guardrails.Webhook.Hosting.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Guardrails.Webhook.Tests.Hosting.Logging;

/// <summary>A <see cref="BatchedConsoleLoggerProvider"/> over a recording sink, with the console's real formatters.</summary>
internal sealed class BatchedConsole : IDisposable
{
    private readonly ServiceProvider _services;

    public BatchedConsole(Action<ILoggingBuilder>? configure = null, int capacityBytes = LogBatchWriter.DefaultCapacityBytes, TimeSpan? linger = null, TimeSpan? disposeTimeout = null)
    {
        _services = new ServiceCollection().AddLogging(builder =>
        {
            builder.AddSimpleConsole(simple => simple.SingleLine = true);
            configure?.Invoke(builder);
        }).BuildServiceProvider();
        Formatters = [.. _services.GetServices<ConsoleFormatter>()];
        Options = _services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>();
        Provider = new BatchedConsoleLoggerProvider(Options, Formatters, Sink, capacityBytes, linger, disposeTimeout);
    }

    public RecordingSink Sink { get; } = new();

    public BatchedConsoleLoggerProvider Provider { get; }

    public IReadOnlyList<ConsoleFormatter> Formatters { get; }

    public IOptionsMonitor<ConsoleLoggerOptions> Options { get; }

    public void Dispose()
    {
        Provider.Dispose();
        _services.Dispose();
        Sink.Dispose();
    }
}
