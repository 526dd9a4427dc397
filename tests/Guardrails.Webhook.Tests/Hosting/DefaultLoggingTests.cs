using Guardrails.Webhook.Hosting;
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
