using System.Globalization;
using BenchmarkDotNet.Attributes;
using Guardrails.Webhook.Hosting.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Guardrails.Benchmarks;

/// <summary>
/// What one decision line costs the thread that logs it through the batched console (format, encode to UTF-8, copy
/// into the shared buffer under its lock; the writes happen on the writer thread, to <see cref="Stream.Null"/> here),
/// against the baseline of formatting alone — the part the stock console logger does on that thread too, before it
/// wakes its queue thread for a write(2) of its own.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public partial class ConsoleLoggingBenchmarks
{
    private ServiceProvider _services = null!;
    private BatchedConsoleLoggerProvider _provider = null!;
    private ILogger _batched = null!;
    private ConsoleFormatter _simple = null!;
    private readonly StringWriter _text = new(CultureInfo.InvariantCulture);

    [GlobalSetup]
    public void Setup()
    {
        _services = new ServiceCollection().AddLogging(builder => builder.AddSimpleConsole(simple => simple.SingleLine = true)).BuildServiceProvider();
        var formatters = _services.GetServices<ConsoleFormatter>().ToList();
        _simple = formatters.Single(f => f.Name == ConsoleFormatterNames.Simple);
        _provider = new BatchedConsoleLoggerProvider(_services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>(), formatters, Stream.Null, capacityBytes: 64 << 20);
        _batched = _provider.CreateLogger("Guardrails.Admission");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        _services.Dispose();
        _text.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Format the decision line only (simple, one line)")]
    public int FormatOnly()
    {
        var entry = new LogEntry<string>(LogLevel.Information, "Guardrails.Admission", 100, Message(), null, (m, _) => m);
        _simple.Write(in entry, null, _text);
        var length = _text.GetStringBuilder().Length;
        _text.GetStringBuilder().Clear();
        return length;
    }

    [Benchmark(Description = "Log the decision line through the batched console")]
    public void Batched() => LogDecision(_batched, "Validate", "4951fb4f-3def-4bcd-a745-bdb1b7fe1090", "Pod", "default", "x", "admin", "Create", "denied", 5);

    private static string Message() => string.Create(CultureInfo.InvariantCulture, $"Validate uid=4951fb4f-3def-4bcd-a745-bdb1b7fe1090 kind=Pod namespace=default name=x user=admin operation=Create verdict=denied violations={5}");

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "{Door} uid={Uid} kind={Kind} namespace={Namespace} name={Name} user={User} operation={Operation} verdict={Verdict} violations={Violations}")]
    private static partial void LogDecision(ILogger logger, string door, string uid, string kind, string @namespace, string name, string user, string operation, string verdict, int violations);
}
