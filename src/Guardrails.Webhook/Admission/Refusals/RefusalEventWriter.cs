using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Guardrails.Webhook.Cluster.Api;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Admission.Refusals;

/// <summary>
/// Writes queued refusals as core/v1 Events (type Warning, reason <c>GuardrailsDenied</c>), one at a time, each with a
/// short timeout. A failing Events API is logged and the event dropped: it never reaches back to admission.
/// </summary>
public sealed partial class RefusalEventWriter : BackgroundService
{
    public const string Reason = "GuardrailsDenied";
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);
    private readonly RefusalEvents _events;
    private readonly IKubernetesApi _api;
    private readonly ILogger<RefusalEventWriter> _logger;
    private readonly string _instance;

    public RefusalEventWriter(RefusalEvents events, IKubernetesApi api, ILogger<RefusalEventWriter> logger)
    {
        _events = events;
        _api = api;
        _logger = logger;
        _instance = Environment.GetEnvironmentVariable("POD_NAME") ?? Environment.MachineName;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var refusal in _events.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await WriteAsync(refusal, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: queued events are dropped, as a restart would.
        }
    }

    private async Task WriteAsync(RefusalEvent refusal, CancellationToken stoppingToken)
    {
        var at = refusal.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var body = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject { ["generateName"] = $"{refusal.Target.Name}.guardrails-", ["namespace"] = refusal.Namespace },
            ["involvedObject"] = new JsonObject
            {
                ["apiVersion"] = refusal.Target.ApiVersion,
                ["kind"] = refusal.Target.Kind,
                ["name"] = refusal.Target.Name,
                ["namespace"] = refusal.Namespace,
                ["uid"] = refusal.Target.Uid,
            },
            ["type"] = "Warning",
            ["reason"] = Reason,
            ["message"] = refusal.Message,
            ["source"] = new JsonObject { ["component"] = "guardrails" },
            ["reportingComponent"] = "guardrails.dev/admission",
            ["reportingInstance"] = _instance,
            ["firstTimestamp"] = at,
            ["lastTimestamp"] = at,
            ["count"] = 1,
        };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(CallTimeout);
        try
        {
            using var document = JsonDocument.Parse(body.ToJsonString());
            using var created = await _api.PostAsync($"/api/v1/namespaces/{Uri.EscapeDataString(refusal.Namespace)}/events", document.RootElement, timeout.Token).ConfigureAwait(false);
            LogWritten(_logger, refusal.Target.Kind, refusal.Namespace, refusal.Target.Name);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is KubernetesApiException or HttpRequestException or IOException or OperationCanceledException or JsonException)
        {
            LogFailed(_logger, refusal.Target.Kind, refusal.Namespace, refusal.Target.Name, ex.Message);
        }
    }

    [LoggerMessage(EventId = 340, Level = LogLevel.Debug, Message = "Recorded a GuardrailsDenied event on {Kind} {Namespace}/{Name}")]
    private static partial void LogWritten(ILogger logger, string kind, string @namespace, string name);

    [LoggerMessage(EventId = 341, Level = LogLevel.Warning, Message = "Could not record a GuardrailsDenied event on {Kind} {Namespace}/{Name}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string kind, string @namespace, string name, string reason);
}
