using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Guardrails.Policies.Engine;
using Guardrails.Webhook.Cluster.Api;
using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Hosting.Tls;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Cluster;

/// <summary>
/// Keeps Guardrails' own webhook configurations (named <c>guardrails</c>, as the chart and the printed manifests name
/// them) in step with the packs, as Kyverno does: on start and on every good reload, each one's <c>rules</c> become
/// what the enabled rules match (the mutating one's empty, so the apiserver never calls it, when no rule mutates).
/// Only <c>rules</c> changes: the client config, CA bundle and namespace selector (which leaves kube-system and
/// Guardrails' own namespace alone) stay as deployed. A configuration that does not exist is left to whoever deploys.
/// </summary>
public sealed partial class WebhookConfigurationSync : BackgroundService
{
    public const string ConfigurationName = "guardrails";
    private const string Validating = "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/" + ConfigurationName;
    private const string Mutating = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/" + ConfigurationName;

    private readonly IKubernetesApi _api;
    private readonly PolicyStore _store;
    private readonly ILogger<WebhookConfigurationSync> _logger;
    private readonly Channel<CompiledPolicy> _reloads = Channel.CreateBounded<CompiledPolicy>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });

    public WebhookConfigurationSync(IKubernetesApi api, PolicyStore store, ILogger<WebhookConfigurationSync> logger)
    {
        _api = api;
        _store = store;
        _logger = logger;
        _store.Reloaded += result =>
        {
            if (result.Policy is { } policy)
            {
                _reloads.Writer.TryWrite(policy);
            }
        };
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_store.Current is { } current)
        {
            _reloads.Writer.TryWrite(current);
        }

        await foreach (var policy in _reloads.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            await SyncAsync(policy, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Brings both configurations in line with <paramref name="policy"/>; failures are logged, never thrown.</summary>
    public async Task SyncAsync(CompiledPolicy policy, CancellationToken cancellationToken)
    {
        var rules = WebhookRuleSet.From(policy);
        await SyncOneAsync(Validating, WebhookManifests.ValidatingWebhookName, rules.Validating, cancellationToken).ConfigureAwait(false);
        await SyncOneAsync(Mutating, WebhookManifests.MutatingWebhookName, rules.Mutating ?? [], cancellationToken).ConfigureAwait(false);
    }

    private async Task SyncOneAsync(string path, string webhookName, IReadOnlyList<WebhookRule> rules, CancellationToken cancellationToken)
    {
        var wanted = RulesJson(rules);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                JsonNode configuration;
                using (var current = await _api.GetAsync(path, cancellationToken).ConfigureAwait(false))
                {
                    configuration = JsonNode.Parse(current.RootElement.GetRawText())!;
                }

                var changed = false;
                foreach (var webhook in configuration["webhooks"]?.AsArray() ?? [])
                {
                    if (webhook?["name"]?.GetValue<string>() == webhookName && !JsonNode.DeepEquals(webhook["rules"], wanted))
                    {
                        webhook["rules"] = wanted.DeepClone();
                        changed = true;
                    }
                }

                if (!changed)
                {
                    return;
                }

                // metadata.resourceVersion is kept: a concurrent change (another replica, a helm upgrade) is a 409, then a retry.
                using var body = JsonDocument.Parse(configuration.ToJsonString());
                using var _ = await _api.PutAsync(path, body.RootElement, cancellationToken).ConfigureAwait(false);
                LogSynced(_logger, path, rules.Count);
                return;
            }
            catch (KubernetesApiException ex) when (ex.StatusCode == 404)
            {
                LogAbsent(_logger, path);
                return;
            }
            catch (KubernetesApiException ex) when (ex.StatusCode == 409 && attempt < 3)
            {
                continue;
            }
            catch (Exception ex) when (ex is KubernetesApiException or HttpRequestException or IOException)
            {
                LogFailed(_logger, path, ex.Message);
                return;
            }
        }
    }

    private static JsonArray RulesJson(IReadOnlyList<WebhookRule> rules) =>
        [.. rules.Select(rule => (JsonNode)new JsonObject
        {
            ["apiGroups"] = new JsonArray(JsonValue.Create(rule.Group)),
            ["apiVersions"] = new JsonArray(JsonValue.Create(rule.Version)),
            ["operations"] = new JsonArray([.. rule.Operations.Select(o => (JsonNode)JsonValue.Create(o))]),
            ["resources"] = new JsonArray([.. rule.Resources.Select(r => (JsonNode)JsonValue.Create(r))]),
            ["scope"] = rule.Scope,
        })];

    [LoggerMessage(EventId = 210, Level = LogLevel.Information, Message = "Webhook configuration {Path} now registers {Count} rule(s), as the packs match")]
    private static partial void LogSynced(ILogger logger, string path, int count);

    [LoggerMessage(EventId = 211, Level = LogLevel.Debug, Message = "Webhook configuration {Path} does not exist; nothing to keep in step")]
    private static partial void LogAbsent(ILogger logger, string path);

    [LoggerMessage(EventId = 212, Level = LogLevel.Warning, Message = "Could not bring webhook configuration {Path} in step with the packs: {Reason}")]
    private static partial void LogFailed(ILogger logger, string path, string reason);
}
