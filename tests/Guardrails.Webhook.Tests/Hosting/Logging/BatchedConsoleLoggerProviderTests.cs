using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Guardrails.Webhook.Tests.Hosting.Logging;

/// <summary>The batched console writes exactly what the stock console logger writes: the same formatter, the same bytes.</summary>
public sealed class BatchedConsoleLoggerProviderTests
{
    [Fact]
    public void Each_entry_is_written_as_the_configured_console_formatter_formats_it_one_line_each()
    {
        using var console = new BatchedConsole();
        var logger = console.Provider.CreateLogger("Guardrails.Sample");
        var failure = Failure();
        var entries = new (LogLevel Level, int EventId, string Message, Exception? Exception)[]
        {
            (LogLevel.Information, 100, "Validate uid=1 kind=Pod verdict=allowed", null),
            (LogLevel.Information, 7, "two\nlines", null),
            (LogLevel.Error, 101, "Validate uid=2 failed", failure),
            (LogLevel.Debug, 3, "naïve ✓ 𝄞 non-ASCII, a surrogate pair included", null),
        };

        foreach (var (level, eventId, message, exception) in entries)
        {
            logger.Log(level, eventId, message, exception, (m, _) => m);
        }

        console.Provider.Dispose();

        var simple = console.Formatters.Single(f => f.Name == ConsoleFormatterNames.Simple);
        var expected = string.Concat(entries.Select(e => Format(simple, "Guardrails.Sample", e.Level, e.EventId, e.Message, e.Exception)));
        console.Sink.Text.ShouldBe(expected);
        console.Sink.Lines.Count.ShouldBe(entries.Length);
        console.Sink.Lines[0].ShouldBe("info: Guardrails.Sample[100] Validate uid=1 kind=Pod verdict=allowed");
    }

    [Fact]
    public void The_formatter_named_in_the_console_options_is_the_one_used()
    {
        using var console = new BatchedConsole(builder => builder.AddJsonConsole());
        console.Options.CurrentValue.FormatterName.ShouldBe(ConsoleFormatterNames.Json);

        console.Provider.CreateLogger("Guardrails.Admission").Log(LogLevel.Information, 100, "decided", null, (m, _) => m);
        console.Provider.Dispose();

        using var json = System.Text.Json.JsonDocument.Parse(console.Sink.Lines.Single());
        json.RootElement.GetProperty("EventId").GetInt32().ShouldBe(100);
        json.RootElement.GetProperty("Category").GetString().ShouldBe("Guardrails.Admission");
        json.RootElement.GetProperty("Message").GetString().ShouldBe("decided");
    }

    private static string Format(ConsoleFormatter formatter, string category, LogLevel level, int eventId, string message, Exception? exception)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        formatter.Write(new LogEntry<string>(level, category, eventId, message, exception, (m, _) => m), null, text);
        return text.ToString();
    }

    private static InvalidOperationException Failure()
    {
        try
        {
            throw new InvalidOperationException("the policy store is empty");
        }
        catch (InvalidOperationException ex)
        {
            return ex;
        }
    }
}
