using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Guardrails.Policies.Resources;
using Guardrails.Webhook.Cluster.Api;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Provisioning;

/// <summary>
/// Leader election with a <c>coordination.k8s.io/v1</c> Lease, as client-go does it: the holder renews it; another
/// replica takes it over only after it has gone unrenewed for the lease duration; every write is conditional on the
/// resourceVersion read, so two replicas can never both believe they hold it.
/// </summary>
public sealed partial class LeaderElector
{
    private readonly IKubernetesApi _api;
    private readonly string _path;
    private readonly string _namespace;
    private readonly string _name;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _leaseDuration;

    public LeaderElector(IKubernetesApi api, string @namespace, string name, string identity, TimeProvider time, ILogger<LeaderElector> logger, TimeSpan? leaseDuration = null)
    {
        _api = api;
        _namespace = @namespace;
        _name = name;
        _path = ProvisioningApi.TypeOf("Lease").ObjectPath(@namespace, name);
        Identity = identity;
        _time = time;
        _logger = logger;
        _leaseDuration = leaseDuration ?? TimeSpan.FromSeconds(15);
    }

    public string Identity { get; }

    public bool IsLeader { get; private set; }

    /// <summary>
    /// Why no replica can lead, when it is something a person must fix (the Lease's namespace is missing and may not
    /// be created); null otherwise. Shown by <c>/readyz</c>, the log and the Environments' status.
    /// </summary>
    public string? Blocked { get; private set; }

    public TimeSpan RenewInterval => _leaseDuration / 3;

    /// <summary>One attempt to acquire or renew; returns whether this replica leads now.</summary>
    public async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        try
        {
            JsonObject? lease;
            try
            {
                using var existing = await _api.GetAsync(_path, cancellationToken).ConfigureAwait(false);
                lease = JsonNode.Parse(existing.RootElement.GetRawText())!.AsObject();
            }
            catch (KubernetesApiException ex) when (ex.StatusCode == 404)
            {
                lease = null;
            }

            if (lease is null)
            {
                await CreateLeaseAsync(now, cancellationToken).ConfigureAwait(false);
                return Become(true);
            }

            var spec = lease["spec"];
            var holder = spec?["holderIdentity"]?.GetValue<string>();
            var renewed = DateTimeOffset.TryParse(spec?["renewTime"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var r) ? r : DateTimeOffset.MinValue;
            if (holder != Identity && renewed + _leaseDuration > now)
            {
                return Become(false);
            }

            var acquired = holder == Identity && DateTimeOffset.TryParse(spec?["acquireTime"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var a) ? a : now;
            var update = LeaseJson(lease["metadata"]?["resourceVersion"]?.GetValue<string>(), acquired, now);
            using var body = JsonDocument.Parse(update.ToJsonString());
            (await _api.PutAsync(_path, body.RootElement, cancellationToken).ConfigureAwait(false)).Dispose();
            return Become(true);
        }
        catch (KubernetesApiException ex) when (ex.StatusCode is 409)
        {
            // Someone else wrote the lease between our read and write: they lead for now.
            return Become(false);
        }
        catch (Exception ex) when (ex is KubernetesApiException or HttpRequestException or IOException or TimeoutException)
        {
            // Unable to renew: stop acting as leader rather than risk two leaders.
            LogRenewFailed(_logger, _name, ex.Message);
            return Become(false);
        }
    }

    /// <summary>Creates the Lease; when its namespace does not exist, creates that first if Guardrails may.</summary>
    private async Task CreateLeaseAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var created = JsonDocument.Parse(LeaseJson(null, now, now).ToJsonString());
        var leases = ProvisioningApi.TypeOf("Lease").CollectionPath(_namespace);
        try
        {
            (await _api.PostAsync(leases, created.RootElement, cancellationToken).ConfigureAwait(false)).Dispose();
            return;
        }
        catch (KubernetesApiException ex) when (ex.StatusCode == 404)
        {
            // Outside a cluster install the default namespace is usually missing: the Lease has nowhere to live.
        }

        try
        {
            using var ns = JsonDocument.Parse(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Namespace",
                ["metadata"] = new JsonObject { ["name"] = _namespace },
            }.ToJsonString());
            (await _api.PostAsync(ResourceType.Namespaces.CollectionPath(), ns.RootElement, cancellationToken).ConfigureAwait(false)).Dispose();
            LogCreatedNamespace(_logger, _namespace);
        }
        catch (KubernetesApiException ex) when (ex.StatusCode is 401 or 403)
        {
            var blocked = $"namespace '{_namespace}' does not exist and Guardrails may not create it ({ex.StatusCode}: {ex.Message}), so no replica can take the provisioning Lease and no Environment is reconciled; create it (kubectl create namespace {_namespace}) or start serve with --namespace set to a namespace that exists";
            if (blocked != Blocked)
            {
                LogBlocked(_logger, blocked);
            }

            Blocked = blocked;
            throw;
        }
        catch (KubernetesApiException ex) when (ex.StatusCode == 409)
        {
            // Created meanwhile by someone else: fine.
        }

        (await _api.PostAsync(leases, created.RootElement, cancellationToken).ConfigureAwait(false)).Dispose();
    }

    private bool Become(bool leader)
    {
        if (leader)
        {
            Blocked = null;
        }

        if (leader != IsLeader)
        {
            LogChanged(_logger, Identity, leader ? "acquired" : "lost", _name);
        }

        IsLeader = leader;
        return leader;
    }

    private JsonObject LeaseJson(string? resourceVersion, DateTimeOffset acquired, DateTimeOffset renewed)
    {
        var metadata = new JsonObject { ["name"] = _name, ["namespace"] = _namespace };
        if (resourceVersion is not null)
        {
            metadata["resourceVersion"] = resourceVersion;
        }

        return new JsonObject
        {
            ["apiVersion"] = "coordination.k8s.io/v1",
            ["kind"] = "Lease",
            ["metadata"] = metadata,
            ["spec"] = new JsonObject
            {
                ["holderIdentity"] = Identity,
                ["leaseDurationSeconds"] = (int)_leaseDuration.TotalSeconds,
                ["acquireTime"] = MicroTime(acquired),
                ["renewTime"] = MicroTime(renewed),
            },
        };
    }

    private static string MicroTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 510, Level = LogLevel.Information, Message = "{Identity} {Change} the provisioning lease {Lease}")]
    private static partial void LogChanged(ILogger logger, string identity, string change, string lease);

    [LoggerMessage(EventId = 512, Level = LogLevel.Information, Message = "Created namespace {Namespace} for the provisioning Lease")]
    private static partial void LogCreatedNamespace(ILogger logger, string @namespace);

    [LoggerMessage(EventId = 513, Level = LogLevel.Error, Message = "Provisioning cannot lead: {Reason}")]
    private static partial void LogBlocked(ILogger logger, string reason);

    [LoggerMessage(EventId = 511, Level = LogLevel.Warning, Message = "Could not renew the provisioning lease {Lease}: {Reason}")]
    private static partial void LogRenewFailed(ILogger logger, string lease, string reason);
}
