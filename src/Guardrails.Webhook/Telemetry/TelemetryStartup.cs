using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Guardrails.Webhook.Telemetry;

/// <summary>
/// Builds the providers as the host starts. Nothing resolves them otherwise until the first scrape, and measurements
/// taken before a provider exists are dropped because nothing is listening yet.
/// </summary>
/// <remarks>
/// The work happens in <see cref="StartingAsync"/>, which runs before any hosted service's <c>StartAsync</c>: the web
/// server is a hosted service too, usually registered ahead of this one, and could otherwise take requests first.
/// </remarks>
internal sealed class TelemetryStartup : IHostedLifecycleService
{
    private readonly IServiceProvider _services;

    public TelemetryStartup(IServiceProvider services)
    {
        _services = services;
    }

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _ = _services.GetRequiredService<MeterProvider>();
        _ = _services.GetService<TracerProvider>();
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
