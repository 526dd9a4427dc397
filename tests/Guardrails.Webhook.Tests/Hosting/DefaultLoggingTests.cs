using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Hosting.Logging;
using Guardrails.Webhook.Tests.Hosting.Logging;
using Guardrails.Webhook.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Guardrails.Webhook.Tests.Hosting;

/// <summary>At the product's default log level one admission request writes one decision line, not ASP.NET Core's four.</summary>
public sealed class DefaultLoggingTests
{
    [Fact]
    public async Task One_admission_request_writes_one_decision_line_at_the_default_level()
    {
        var entries = await EntriesForOneAdmissionRequestAsync(hostArgs: null);

        entries.Where(e => e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)).ShouldBeEmpty("ASP.NET Core's per-request logs are off by default");
        entries.Count.ShouldBe(1, string.Join(Environment.NewLine, entries));
        entries[0].Category.ShouldBe("Guardrails.Admission");
        entries[0].Level.ShouldBe(LogLevel.Information);
        entries[0].Message.ShouldContain("verdict=");
    }

    [Fact]
    public async Task The_request_log_setting_turns_ASP_NET_Core_request_logs_back_on()
    {
        var entries = await EntriesForOneAdmissionRequestAsync(hostArgs: [$"--{GuardrailsHost.RequestLogLevelKey}=Information"]);

        entries.ShouldContain(e => e.Category.StartsWith("Microsoft.AspNetCore.Hosting", StringComparison.Ordinal), string.Join(Environment.NewLine, entries));
    }

    [Fact]
    public async Task The_console_writes_each_entry_on_one_line_unless_configured_otherwise()
    {
        await using (var server = await GuardrailsServer.StartAsync())
        {
            server.App.Services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue.SingleLine.ShouldBeTrue();
        }

        await using (var configured = await GuardrailsServer.StartAsync(hostArgs: [$"--{GuardrailsHost.ConsoleSingleLineKey}=false"]))
        {
            configured.App.Services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue.SingleLine.ShouldBeFalse();
        }
    }

    [Fact]
    public async Task The_batched_console_writes_the_decision_line_as_the_console_formatter_did()
    {
        var lines = await ConsoleLinesForOneAdmissionRequestAsync(hostArgs: null);

        lines.Where(l => l.Contains("Guardrails.Admission", StringComparison.Ordinal)).ShouldHaveSingleItem().ShouldMatch(
            @"^info: Guardrails\.Admission\[100\] Validate uid=\S+ kind=Pod namespace=\S+ name=\S+ user=\S+ operation=Create verdict=\S+ violations=\d+$");
    }

    [Fact]
    public async Task The_batched_console_writes_JSON_lines_when_the_json_formatter_is_configured()
    {
        var lines = await ConsoleLinesForOneAdmissionRequestAsync(hostArgs: [$"--{GuardrailsHost.ConsoleFormatterNameKey}=json"]);

        var decisions = lines.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("Category").GetString() == "Guardrails.Admission").ToList();
        var decision = decisions.ShouldHaveSingleItem();
        decision.GetProperty("EventId").GetInt32().ShouldBe(100);
        decision.GetProperty("State").GetProperty("Kind").GetString().ShouldBe("Pod");
        decision.GetProperty("State").TryGetProperty("Verdict", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Serve_logs_through_the_batched_console_unless_the_setting_switches_it_off()
    {
        await using (var server = await GuardrailsServer.StartAsync(logging: _ => { }))
        {
            var providers = server.App.Services.GetServices<ILoggerProvider>().ToList();
            providers.ShouldContain(p => p is BatchedConsoleLoggerProvider);
            providers.ShouldNotContain(p => p is ConsoleLoggerProvider);
        }

        await using (var stock = await GuardrailsServer.StartAsync(logging: _ => { }, hostArgs: [$"--{GuardrailsHost.ConsoleBatchedKey}=false"]))
        {
            var providers = stock.App.Services.GetServices<ILoggerProvider>().ToList();
            providers.ShouldContain(p => p is ConsoleLoggerProvider);
            providers.ShouldNotContain(p => p is BatchedConsoleLoggerProvider);
        }
    }

    [Fact]
    public async Task A_batched_setting_that_is_not_a_boolean_is_refused_by_name()
    {
        var refused = await Should.ThrowAsync<ServeOptionsException>(() => GuardrailsServer.StartAsync(logging: _ => { }, hostArgs: [$"--{GuardrailsHost.ConsoleBatchedKey}=sometimes"]));

        refused.Message.ShouldContain(GuardrailsHost.ConsoleBatchedKey);
        refused.Message.ShouldContain("sometimes");
    }

    private static async Task<IReadOnlyList<string>> ConsoleLinesForOneAdmissionRequestAsync(string[]? hostArgs)
    {
        using var sink = new RecordingSink();
        await using (var server = await GuardrailsServer.StartAsync(
            hostArgs: hostArgs,
            logging: builder =>
            {
                builder.ClearProviders();
                builder.AddBatchedConsole(_ => sink);
            }))
        {
            using var client = server.CreateClient();
            using var http = await client.PostAsync("/validate?timeout=10s", Fixtures.Json(Fixtures.Read("v1.24/create-pod.json")), TestContext.Current.CancellationToken);
            http.EnsureSuccessStatusCode();
            await server.App.StopAsync(TestContext.Current.CancellationToken);
        }

        return sink.Lines;
    }

    private static async Task<List<(string Category, LogLevel Level, string Message)>> EntriesForOneAdmissionRequestAsync(string[]? hostArgs)
    {
        var counter = new LogEntryCounter();
        await using var server = await GuardrailsServer.StartAsync(
            hostArgs: hostArgs,
            logging: builder =>
            {
                builder.ClearProviders();
                builder.AddProvider(counter);
            });
        using var client = server.CreateClient();
        var before = counter.Entries.Count;

        using var http = await client.PostAsync("/validate?timeout=10s", Fixtures.Json(Fixtures.Read("v1.24/create-pod.json")), TestContext.Current.CancellationToken);
        http.EnsureSuccessStatusCode();

        // Hosting writes "Request finished" after the response is sent; stopping the host waits for the request to end.
        await server.App.StopAsync(TestContext.Current.CancellationToken);
        return [.. counter.Entries.Skip(before).Where(e => !e.Category.StartsWith("Microsoft.Hosting.Lifetime", StringComparison.Ordinal))];
    }
}
