using System.Collections.Concurrent;
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
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan RetryAfterConflict = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan NamespaceGonePoll = TimeSpan.FromMilliseconds(500);

    private readonly IKubernetesApi _api;
    private readonly EnvironmentPreCheckService _preCheck;
    private readonly IClusterStateSource _cluster;
    private readonly EnvironmentCache _environments;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);

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
        ReconcileOutcome outcome;
        try
        {
            outcome = await ReconcileCachedAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (KubernetesApiException ex) when (ex.StatusCode == 404)
        {
            // The cache is behind: the Environment is already gone and its DELETED event is on the way. Writes to it
            // never create it again (merge patches and the status subresource do not create).
            LogGone(_logger, name);
            outcome = ReconcileOutcome.Done;
        }
        catch (KubernetesApiException ex) when (ex.StatusCode == 409)
        {
            // Changed since the cache saw it: the newer version's event is on the way; look again soon either way.
            LogConflict(_logger, name, ex.Message);
            outcome = Retry(name, RetryAfterConflict);
        }

        if (!outcome.Retrying)
        {
            _failures.TryRemove(name, out _);
        }

        return outcome;
    }

    /// <summary>
    /// No replica can lead (see <see cref="LeaderElector.Blocked"/>): an Environment nobody has reconciled yet says so
    /// in its status instead of showing nothing. One that was provisioned keeps its status: its objects exist.
    /// </summary>
    public async Task ReportNoLeaderAsync(string name, string reason, CancellationToken cancellationToken)
    {
        using var document = _environments.Get(name);
        if (document is null)
        {
            return;
        }

        var environment = document.RootElement;
        if (environment.Child("status"u8).Child("phase"u8).AsString() is not (null or "Pending") || environment.Child("metadata"u8).Child("deletionTimestamp"u8).IsPresent())
        {
            return;
        }

        var generation = environment.Child("metadata"u8).Child("generation"u8).AsInt64() ?? 0;
        await WriteStatusAsync(name, environment, EnvironmentStatus.Build(environment, _time.GetUtcNow(), "Pending", generation, null, $"no Guardrails replica leads provisioning: {reason}", [], readyStatus: "False", rejected: false, noLeader: true), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A retry whose delay doubles with each failure in a row (up to 30 s), so a lasting failure costs little.</summary>
    private ReconcileOutcome Retry(string name, TimeSpan first)
    {
        var attempt = _failures.AddOrUpdate(name, 1, (_, failures) => failures + 1);
        var delay = Math.Min(MaxRetryDelay.TotalMilliseconds, first.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 20)));
        return new ReconcileOutcome(TimeSpan.FromMilliseconds(delay), Retrying: true);
    }

    private async Task<ReconcileOutcome> ReconcileCachedAsync(string name, CancellationToken cancellationToken)
    {
        using var document = _environments.Get(name);
        if (document is null)
        {
            return ReconcileOutcome.Done;
        }

        var environment = document.RootElement;
        var metadata = environment.Child("metadata"u8);
        var version = EnvironmentVersion.Of(environment);
        var generation = metadata.Child("generation"u8).AsInt64() ?? 0;

        if (metadata.Child("deletionTimestamp"u8).IsPresent())
        {
            return await CleanUpAsync(name, environment, version, cancellationToken).ConfigureAwait(false);
        }

        var parsed = EnvironmentRequest.FromObject(environment);
        if (parsed.Request is { Ttl: { } ttl } && CreatedAt(metadata) is { } created)
        {
            var remaining = created + ttl - _time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                LogExpired(_logger, name, ttl.ToString());

                // Only the Environment whose clock ran out: a new one of the same name, not yet in the cache, stays.
                var path = ProvisioningApi.EnvironmentPath(name);
                await Deleted(metadata.Child("uid"u8).AsString() is { Length: > 0 } uid
                    ? _api.DeleteAsync(path, uid, cancellationToken)
                    : _api.DeleteAsync(path, cancellationToken)).ConfigureAwait(false);
                return ReconcileOutcome.Done;
            }
        }

        if (!version.HasFinalizer)
        {
            await PatchFinalizersAsync(name, version.ResourceVersion, [.. version.Finalizers, ProvisioningApi.Finalizer], cancellationToken).ConfigureAwait(false);
        }

        var outcome = parsed.Request is { Ttl: { } expiry } && CreatedAt(metadata) is { } born
            ? ReconcileOutcome.After(born + expiry - _time.GetUtcNow())
            : ReconcileOutcome.Done;

        if (parsed.Request is not { } request)
        {
            await WriteStatusAsync(name, environment, EnvironmentStatus.Rejected(environment, _time.GetUtcNow(), generation, parsed.Errors.Select(e => e.ToString()).ToList()), cancellationToken).ConfigureAwait(false);
            return outcome;
        }

        if (_preCheck.PreCheck(request, name) is not { } check)
        {
            await WriteStatusAsync(name, environment, EnvironmentStatus.Build(environment, _time.GetUtcNow(), "Pending", generation, null, "waiting for valid rule packs and platform settings", [], readyStatus: "False", rejected: false), cancellationToken).ConfigureAwait(false);
            return ReconcileOutcome.After(TimeSpan.FromSeconds(5));
        }

        if (!check.Passed)
        {
            await WriteStatusAsync(name, environment, EnvironmentStatus.Rejected(environment, _time.GetUtcNow(), generation, check.Reasons.Select(r => r.ToString()).ToList()), cancellationToken).ConfigureAwait(false);
            return outcome;
        }

        var plan = check.Plan!;
        if (_cluster.Current.GetNamespace(plan.Namespace) is { Terminating: true })
        {
            // Applying now would put the objects into a namespace about to disappear (an earlier Environment's, being
            // deleted): wait until it is gone, then create it afresh.
            return await WaitForNamespaceGoneAsync(name, environment, generation, plan.Namespace, cancellationToken).ConfigureAwait(false);
        }

        var hash = PlanHash(plan);
        var status = environment.Child("status"u8);
        if (status.Child("phase"u8).AsString() == "Ready"
            && status.Child("observedGeneration"u8).AsInt64() == generation
            && status.Child("planHash"u8).AsString() == hash)
        {
            return outcome;
        }

        var total = Stopwatch.StartNew();

        // Cluster-scoped objects (the namespace) first: everything else lives in them. The namespaced objects do not
        // depend on one another (a RoleBinding may name a Role that does not exist yet), so they are applied together.
        var results = new Dictionary<PlannedObject, StepResult>();
        foreach (var planned in plan.Objects.Where(o => o.Namespace is null))
        {
            results[planned] = await ApplyStepAsync(name, planned, cancellationToken).ConfigureAwait(false);
            if (results[planned].Deleting && planned.Kind == "Namespace")
            {
                // The cache had not seen the deletion yet; the server's answer has. Nothing goes into it.
                return await WaitForNamespaceGoneAsync(name, environment, generation, plan.Namespace, cancellationToken).ConfigureAwait(false);
            }
        }

        if (results.Values.All(r => r.Failure is null))
        {
            var namespaced = plan.Objects.Where(o => o.Namespace is not null).ToList();
            var applied = await Task.WhenAll(namespaced.Select(o => ApplyStepAsync(name, o, cancellationToken))).ConfigureAwait(false);
            for (var i = 0; i < namespaced.Count; i++)
            {
                results[namespaced[i]] = applied[i];
            }
        }

        var inPlanOrder = plan.Objects.Where(results.ContainsKey).Select(o => results[o]).ToList();
        var failures = inPlanOrder.Select(r => r.Failure).OfType<string>().ToList();
        if (failures.Count > 0)
        {
            // Nothing is rolled back: every step is an idempotent apply, so the retry converges from where this stopped.
            // No timings here: they differ on every attempt, and a status that changes each time would wake the watch
            // and undo the backoff.
            await WriteStatusAsync(name, environment, EnvironmentStatus.Build(environment, _time.GetUtcNow(), "Provisioning", generation, plan.Namespace, $"{string.Join("; ", failures)}; retrying", [], readyStatus: "False", rejected: false), cancellationToken).ConfigureAwait(false);
            return Retry(name, RetryAfterFailure);
        }

        var steps = inPlanOrder.Select(r => r.Step).ToList();
        await WriteStatusAsync(name, environment, EnvironmentStatus.Build(environment, _time.GetUtcNow(), "Ready", generation, plan.Namespace, string.Create(CultureInfo.InvariantCulture, $"{plan.Objects.Count} objects applied in {total.Elapsed.TotalMilliseconds:0} ms"), steps, readyStatus: "True", rejected: false, planHash: hash), cancellationToken).ConfigureAwait(false);
        LogReady(_logger, name, plan.Namespace, total.Elapsed.TotalMilliseconds);
        return outcome;
    }

    private async Task<ReconcileOutcome> WaitForNamespaceGoneAsync(string name, JsonElement environment, long generation, string ns, CancellationToken cancellationToken)
    {
        await WriteStatusAsync(name, environment, EnvironmentStatus.Build(environment, _time.GetUtcNow(), "Pending", generation, null, $"namespace {ns} is still terminating; it is created afresh once it is gone", [], readyStatus: "False", rejected: false), cancellationToken).ConfigureAwait(false);
        return ReconcileOutcome.After(NamespaceGonePoll);
    }

    private async Task<StepResult> ApplyStepAsync(string name, PlannedObject planned, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var body = JsonDocument.Parse(planned.ToJson());
            using var applied = await _api.ApplyAsync(ProvisioningApi.PathOf(planned), body.RootElement, ProvisioningApi.FieldManager, force: true, cancellationToken).ConfigureAwait(false);
            var deleting = applied.RootElement.Child("metadata"u8).Child("deletionTimestamp"u8).AsString() is not null;
            return new StepResult(new StepTiming(planned.DisplayName, Stopwatch.GetElapsedTime(started).TotalMilliseconds), null, deleting);
        }
        catch (Exception ex) when (ex is KubernetesApiException or HttpRequestException or IOException or TimeoutException)
        {
            LogStepFailed(_logger, name, planned.DisplayName, ex.Message);
            return new StepResult(new StepTiming(planned.DisplayName, Stopwatch.GetElapsedTime(started).TotalMilliseconds), $"{planned.DisplayName} failed: {ex.Message}");
        }
    }

    private async Task<ReconcileOutcome> CleanUpAsync(string name, JsonElement environment, EnvironmentVersion version, CancellationToken cancellationToken)
    {
        if (!version.HasFinalizer)
        {
            return ReconcileOutcome.Done;
        }

        var generation = environment.Child("metadata"u8).Child("generation"u8).AsInt64() ?? 0;
        var ns = environment.Child("status"u8).Child("namespace"u8).AsString()
            ?? (EnvironmentRequest.FromObject(environment).Request is { } request ? request.Namespace : null);
        // Only a namespace this Environment owns is removed; without live state ownership cannot be seen, and the
        // namespace name is this Environment's by construction ({team}-{name}).
        var ours = ns is not null && EnvironmentPreCheckService.OwnershipOf(_cluster.Current, ns, name) is NamespaceOwnership.Absent or NamespaceOwnership.OwnedByThisEnvironment;
        if (ours && _cluster.Current.GetNamespace(ns!) is not { Terminating: true })
        {
            // Deleting the namespace takes everything the plan put in it along.
            LogCleanupStep(_logger, name, "delete namespace");
            await Deleted(_api.DeleteAsync(ResourceType.Namespaces.ObjectPath(null, ns!), cancellationToken), orTerminating: true).ConfigureAwait(false);
        }

        LogCleanupStep(_logger, name, "status Deleting");
        var remaining = ours && _cluster.Current.GetNamespace(ns!) is not null;
        var current = await WriteStatusAsync(name, environment, EnvironmentStatus.Build(environment, _time.GetUtcNow(), "Deleting", generation, ns, remaining ? $"waiting for namespace {ns} to be gone" : "cleaning up", [], readyStatus: "False", rejected: false), cancellationToken).ConfigureAwait(false);
        if (remaining)
        {
            // The finalizer stays until the namespace is gone, so `kubectl delete --wait` returns when it really is,
            // and an Environment re-created with the same name never meets its predecessor's terminating namespace.
            return ReconcileOutcome.After(NamespaceGonePoll);
        }

        if (current.HasFinalizer)
        {
            LogCleanupStep(_logger, name, "remove finalizer");
            await PatchFinalizersAsync(name, current.ResourceVersion, [.. current.Finalizers.Where(f => f != ProvisioningApi.Finalizer)], cancellationToken).ConfigureAwait(false);
        }

        LogDeleted(_logger, name, ns ?? "(none)");
        return ReconcileOutcome.Done;
    }

    /// <summary>
    /// Replaces the finalizer list only if the Environment is still the version the cache saw (409 otherwise), and never
    /// creates it: an apply here, on a cache that is one event behind, once brought a deleted Environment back.
    /// </summary>
    private async Task PatchFinalizersAsync(string name, string resourceVersion, IReadOnlyList<string> finalizers, CancellationToken cancellationToken)
    {
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = resourceVersion,
                ["finalizers"] = new JsonArray([.. finalizers.Select(f => JsonValue.Create(f))]),
            },
        };
        await MergePatchAsync(ProvisioningApi.EnvironmentPath(name), patch, cancellationToken).ConfigureAwait(false);
    }

    private async Task MergePatchAsync(string path, JsonObject patch, CancellationToken cancellationToken)
    {
        using var body = JsonDocument.Parse(patch.ToJsonString());
        (await _api.MergePatchAsync(path, body.RootElement, ProvisioningApi.FieldManager, cancellationToken).ConfigureAwait(false)).Dispose();
    }

    /// <summary>
    /// Applies the status unless it is what the Environment already shows, so that reconciling an unchanged Environment
    /// writes nothing (and causes no watch event that would reconcile it again). Returns the Environment's version after.
    /// </summary>
    private async Task<EnvironmentVersion> WriteStatusAsync(string name, JsonElement environment, JsonObject status, CancellationToken cancellationToken)
    {
        var current = environment.Child("status"u8);
        if (current.ValueKind == JsonValueKind.Object && JsonNode.DeepEquals(JsonNode.Parse(current.GetRawText()), status))
        {
            return EnvironmentVersion.Of(environment);
        }

        var body = new JsonObject
        {
            ["apiVersion"] = EnvironmentRequest.ApiVersion,
            ["kind"] = EnvironmentRequest.KindName,
            ["metadata"] = new JsonObject { ["name"] = name },
            ["status"] = status,
        };
        using var document = JsonDocument.Parse(body.ToJsonString());
        using var updated = await _api.ApplyAsync(ProvisioningApi.EnvironmentPath(name) + "/status", document.RootElement, ProvisioningApi.FieldManager, force: true, cancellationToken).ConfigureAwait(false);
        return EnvironmentVersion.Of(updated.RootElement);
    }

    private static DateTimeOffset? CreatedAt(JsonElement metadata) =>
        DateTimeOffset.TryParse(metadata.Child("creationTimestamp"u8).AsString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created) ? created : null;

    private static string PlanHash(EnvironmentPlan plan)
    {
        var text = string.Join("\n", plan.Objects.Select(o => o.ToJson()));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();
    }

    /// <summary>
    /// A delete whose goal is already met counts as done: 404, gone; with <paramref name="orTerminating"/>, 409 too,
    /// which a real apiserver answers for a namespace still emptying itself from an earlier delete.
    /// </summary>
    private static async Task Deleted(Task delete, bool orTerminating = false)
    {
        try
        {
            await delete.ConfigureAwait(false);
        }
        catch (KubernetesApiException ex) when (ex.StatusCode == 404 || (orTerminating && ex.StatusCode == 409))
        {
        }
    }

    [LoggerMessage(EventId = 505, Level = LogLevel.Debug, Message = "Environment {Name} is already gone; nothing to do")]
    private static partial void LogGone(ILogger logger, string name);

    [LoggerMessage(EventId = 506, Level = LogLevel.Debug, Message = "Environment {Name} changed while being reconciled ({Reason}); looking again")]
    private static partial void LogConflict(ILogger logger, string name, string reason);

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
