using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Guardrails.Webhook.Hosting.Logging;

internal static class BatchedConsoleLoggingBuilderExtensions
{
    /// <summary>
    /// Replaces the console logger provider by <see cref="BatchedConsoleLoggerProvider"/> on stderr. The console's
    /// formatters and its <c>Logging:Console</c> options stay registered (by <c>AddConsole</c>) and are what it formats with.
    /// </summary>
    public static ILoggingBuilder AddBatchedConsole(this ILoggingBuilder builder) => builder.AddBatchedConsole(_ => Console.OpenStandardError());

    /// <param name="sink">Where the batches go (tests: a recording stream).</param>
    public static ILoggingBuilder AddBatchedConsole(this ILoggingBuilder builder, Func<IServiceProvider, Stream> sink)
    {
        builder.AddConsole();
        var services = builder.Services;
        foreach (var stock in services.Where(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider)).ToList())
        {
            services.Remove(stock);
        }

        services.AddSingleton<ILoggerProvider>(sp => new BatchedConsoleLoggerProvider(
            sp.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>(),
            sp.GetServices<ConsoleFormatter>(),
            sink(sp)));
        return builder;
    }
}
