using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Resources;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Cluster.Api;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Provisioning;

/// <summary>
/// Brings one Environment to its desired state: pre-check with the same compiled rules as admission, then apply
/// the plan with server-side apply (idempotent, so a retry after a partial failure converges), recording how long
/// each step took; clean up through a finalizer on deletion; delete expired ephemeral environments.
/// </summary>
public sealed partial class EnvironmentReconciler
{
    private const string PlanHashAnnotation = "guardrails.dev/plan-hash";
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMilliseconds(200);

    private readonly IKubernetesApi _api;
    private readonly EnvironmentPreCheckService _preCheck;
    private readonly IClusterStateSource _cluster;
    private readonly EnvironmentCache _environments;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public EnvironmentReconciler(IKubernetesApi api, EnvironmentPreCheckService preCheck, IClusterStateSource cluster, EnvironmentCache environments, TimeProvider time, ILogger<EnvironmentReconciler> logger)
    {
        _api = api;
        _preCheck = preCheck;
        _cluster = cluster;
        _environments = environments;
        _time = time;
        _logger = logger;
    }

    public async Task<ReconcileOutcome> ReconcileAsync(string name, CancellationToken cancellationToken)
    {
        using var document = _environments.Get(name);
        if (document is null)
        {
            return ReconcileOutcome.Done;
        }

        var environment = document.RootElement;
        var metadata = environment.Child("metadata"u8);
        var finalizers = metadata.Child("finalizers"u8).ValueKind == JsonValueKind.Array
            ? metadata.Child("finalizers"u8).EnumerateArray().Select(f => f.AsString() ?? "").ToList()
            : [];
        var generation = metadata.Child("generation"u8).AsInt64() ?? 0;

        if (metadata.Child("deletionTimestamp"u8).IsPresent())
        {
            return await CleanUpAsync(name, environment, finalizers, cancellationToken).ConfigureAwait(false);
        }

        var parsed = EnvironmentRequest.FromObject(environment);
        if (parsed.Request is { Ttl: { } ttl } && CreatedAt(metadata) is { } created)
        {
            var remaining = created + ttl - _time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                LogExpired(_logger, name, ttl.ToString());
                await IgnoreNotFound(_api.DeleteAsync(ProvisioningApi.EnvironmentPath(name), cancellationToken)).ConfigureAwait(false);
                return ReconcileOutcome.Done;
            }
        }

        if (!finalizers.Contains(ProvisioningApi.Finalizer))
        {
            await ApplyMetadataAsync(name, [.. finalizers, ProvisioningApi.Finalizer], planHash: null, cancellationToken).ConfigureAwait(false);
        }

        var outcome = parsed.Request is { Ttl: { } expiry } && CreatedAt(metadata) is { } born
            ? ReconcileOutcome.After(born + expiry - _time.GetUtcNow())
            : ReconcileOutcome.Done;

        if (parsed.Request is not { } request)
        {
            await WriteStatusAsync(name, Rejected(generation, parsed.Errors.Select(e => e.ToString()).ToList()), cancellationToken).ConfigureAwait(false);
            return outcome;
        }

        if (_preCheck.PreCheck(request, name) is not { } check)
        {
            await WriteStatusAsync(name, Status("Pending", generation, null, "waiting for valid rule packs and platform settings", [], readyStatus: "False", rejected: false), cancellationToken).ConfigureAwait(false);
            return ReconcileOutcome.After(TimeSpan.FromSeconds(5));
        }

        if (!check.Passed)
        {
            await WriteStatusAsync(name, Rejected(generation, check.Reasons.Select(r => r.ToString()).ToList()), cancellationToken).ConfigureAwait(false);
            return outcome;
        }

        var plan = check.Plan!;
        var hash = PlanHash(plan);
        var status = environment.Child("status"u8);
        if (status.Child("phase"u8).AsString() == "Ready"
            && status.Child("observedGeneration"u8).AsInt64() == generation
            && metadata.Child("annotations"u8).Child(PlanHashAnnotation).AsString() == hash)
        {
            return outcome;
        }

        var steps = new List<StepTiming>();
        var total = Stopwatch.StartNew();
        foreach (var planned in plan.Objects)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var body = JsonDocument.Parse(planned.ToJson());
                (await _api.ApplyAsync(ProvisioningApi.PathOf(planned), body.RootElement, ProvisioningApi.FieldManager, force: true, cancellationToken).ConfigureAwait(false)).Dispose();
            }
            catch (Exception ex) when (ex is KubernetesApiException or HttpRequestException or IOException or TimeoutException)
            {
                // Nothing is rolled back: every step is an idempotent apply, so the retry converges from where this stopped.
                LogStepFailed(_logger, name, planned.DisplayName, ex.Message);
                await WriteStatusAsync(name, Status("Provisioning", generation, plan.Namespace, $"{planned.DisplayName} failed: {ex.Message}; retrying", steps, readyStatus: "False", rejected: false), cancellationToken).ConfigureAwait(false);
                return ReconcileOutcome.After(RetryAfterFailure);
            }

            steps.Add(new StepTiming(planned.DisplayName, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
        }

        await ApplyMetadataAsync(name, [.. finalizers.Union([ProvisioningApi.Finalizer])], hash, cancellationToken).ConfigureAwait(false);
        await WriteStatusAsync(name, Status("Ready", generation, plan.Namespace, string.Create(CultureInfo.InvariantCulture, $"{plan.Objects.Count} objects applied in {total.Elapsed.TotalMilliseconds:0} ms"), steps, readyStatus: "True", rejected: false), cancellationToken).ConfigureAwait(false);
        LogReady(_logger, name, plan.Namespace, total.Elapsed.TotalMilliseconds);
        return outcome;
    }

    private async Task<ReconcileOutcome> CleanUpAsync(string name, JsonElement environment, List<string> finalizers, CancellationToken cancellationToken)
    {
        if (!finalizers.Contains(ProvisioningApi.Finalizer))
        {
            return ReconcileOutcome.Done;
        }

        var generation = environment.Child("metadata"u8).Child("generation"u8).AsInt64() ?? 0;
        var ns = environment.Child("status"u8).Child("namespace"u8).AsString()
            ?? (EnvironmentRequest.FromObject(environment).Request is { } request ? request.Namespace : null);
        // Only a namespace this Environment owns is removed; without live state ownership cannot be seen, and the
        // namespace name is this Environment's by construction ({team}-{name}).
        if (ns is not null && EnvironmentPreCheckService.OwnershipOf(_cluster.Current, ns, name) is NamespaceOwnership.Absent or NamespaceOwnership.OwnedByThisEnvironment)
        {
            // Deleting the namespace takes everything the plan put in it along.
            LogCleanupStep(_logger, name, "delete namespace");
            await IgnoreNotFound(_api.DeleteAsync(ResourceType.Namespaces.ObjectPath(null, ns), cancellationToken)).ConfigureAwait(false);
        }

        LogCleanupStep(_logger, name, "status Deleting");
        await IgnoreNotFound(WriteStatusAsync(name, Status("Deleting", generation, ns, "cleaning up", [], readyStatus: "False", rejected: false), cancellationToken)).ConfigureAwait(false);
        LogCleanupStep(_logger, name, "remove finalizer");
        await ApplyMetadataAsync(name, [.. finalizers.Where(f => f != ProvisioningApi.Finalizer)], planHash: null, cancellationToken).ConfigureAwait(false);
        LogDeleted(_logger, name, ns ?? "(none)");
        return ReconcileOutcome.Done;
    }

    private async Task ApplyMetadataAsync(string name, IReadOnlyList<string> finalizers, string? planHash, CancellationToken cancellationToken)
    {
        var metadata = new JsonObject { ["name"] = name, ["finalizers"] = new JsonArray([.. finalizers.Select(f => JsonValue.Create(f))]) };
        if (planHash is not null)
        {
            metadata["annotations"] = new JsonObject { [PlanHashAnnotation] = planHash };
        }

        var body = new JsonObject { ["apiVersion"] = EnvironmentRequest.ApiVersion, ["kind"] = EnvironmentRequest.KindName, ["metadata"] = metadata };
        using var document = JsonDocument.Parse(body.ToJsonString());
        (await _api.ApplyAsync(ProvisioningApi.EnvironmentPath(name), document.RootElement, ProvisioningApi.FieldManager, force: true, cancellationToken).ConfigureAwait(false)).Dispose();
    }

    private async Task WriteStatusAsync(string name, JsonObject status, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["apiVersion"] = EnvironmentRequest.ApiVersion,
            ["kind"] = EnvironmentRequest.KindName,
            ["metadata"] = new JsonObject { ["name"] = name },
            ["status"] = status,
        };
        using var document = JsonDocument.Parse(body.ToJsonString());
        (await _api.ApplyAsync(ProvisioningApi.EnvironmentPath(name) + "/status", document.RootElement, ProvisioningApi.FieldManager, force: true, cancellationToken).ConfigureAwait(false)).Dispose();
    }

    private JsonObject Rejected(long generation, IReadOnlyList<string> reasons) =>
        Status("Rejected", generation, null, string.Join("\n", reasons), [], readyStatus: "False", rejected: true);

    private JsonObject Status(string phase, long generation, string? ns, string message, IReadOnlyList<StepTiming> steps, string readyStatus, bool rejected)
    {
        var now = _time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        JsonObject Condition(string type, string status, string reason) => new()
        {
            ["type"] = type,
            ["status"] = status,
            ["reason"] = reason,
            ["message"] = message,
            ["observedGeneration"] = generation,
            ["lastTransitionTime"] = now,
        };

        var status = new JsonObject
        {
            ["phase"] = phase,
            ["observedGeneration"] = generation,
            ["message"] = message,
            ["conditions"] = new JsonArray(
                Condition("Ready", readyStatus, phase),
                Condition("Rejected", rejected ? "True" : "False", rejected ? "PreCheckFailed" : "PreCheckPassed")),
            ["steps"] = new JsonArray([.. steps.Select(s => new JsonObject { ["name"] = s.Name, ["durationMs"] = (long)Math.Round(s.DurationMs) })]),
        };
        if (ns is not null)
        {
            status["namespace"] = ns;
        }

        return status;
    }

    private static DateTimeOffset? CreatedAt(JsonElement metadata) =>
        DateTimeOffset.TryParse(metadata.Child("creationTimestamp"u8).AsString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created) ? created : null;

    private static string PlanHash(EnvironmentPlan plan)
    {
        var text = string.Join("\n", plan.Objects.Select(o => o.ToJson()));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();
    }

    private static async Task IgnoreNotFound(Task call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (KubernetesApiException ex) when (ex.StatusCode == 404)
        {
            // Already gone: the goal of the call.
        }
    }

    [LoggerMessage(EventId = 504, Level = LogLevel.Debug, Message = "Environment {Name}: {Step}")]
    private static partial void LogCleanupStep(ILogger logger, string name, string step);

    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Environment {Name} is Ready: namespace {Namespace} in {Milliseconds:0} ms")]
    private static partial void LogReady(ILogger logger, string name, string @namespace, double milliseconds);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Environment {Name}: {Step} failed: {Reason}; will retry")]
    private static partial void LogStepFailed(ILogger logger, string name, string step, string reason);

    [LoggerMessage(EventId = 502, Level = LogLevel.Information, Message = "Environment {Name} deleted; namespace {Namespace} removed")]
    private static partial void LogDeleted(ILogger logger, string name, string @namespace);

    [LoggerMessage(EventId = 503, Level = LogLevel.Information, Message = "Environment {Name} expired after {Ttl}; deleting it")]
    private static partial void LogExpired(ILogger logger, string name, string ttl);
}
