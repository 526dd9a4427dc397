using Guardrails.Webhook.Cluster;
using Guardrails.Policies.State;
using Guardrails.Webhook.Hosting;

namespace Guardrails.Webhook.Provisioning;

/// <summary>
/// The one pre-check used by the controller's callers, the REST door and admission of Environment objects, with
/// the team's other environments and namespace ownership taken from the caches.
/// </summary>
public sealed class EnvironmentPreCheckService
{
    private readonly PolicyStore _policies;
    private readonly PlatformSettingsStore _settings;
    private readonly IClusterStateSource _cluster;
    private readonly EnvironmentCache _environments;

    public EnvironmentPreCheckService(PolicyStore policies, PlatformSettingsStore settings, IClusterStateSource cluster, EnvironmentCache environments)
    {
        _policies = policies;
        _settings = settings;
        _cluster = cluster;
        _environments = environments;
    }

    /// <summary>Null when no policy or platform settings are loaded yet (the caller decides what that means).</summary>
    public PreCheckResult? PreCheck(EnvironmentRequest request, string environmentName)
    {
        if (_policies.Current is not { } policy || _settings.Current is not { } settings)
        {
            return null;
        }

        var snapshot = _cluster.Current;
        var others = _environments.HoldingBudget(request.Team, except: environmentName).ToList();
        return EnvironmentPreChecker.PreCheck(request, settings, policy, others, ns => OwnershipOf(snapshot, ns, environmentName));
    }

    /// <summary>Who owns a namespace, by the labels Guardrails puts on the namespaces it creates.</summary>
    public static NamespaceOwnership OwnershipOf(IClusterSnapshot snapshot, string @namespace, string environmentName)
    {
        if (snapshot.GetNamespace(@namespace) is not { } info)
        {
            return NamespaceOwnership.Absent;
        }

        if (!info.Labels.TryGetValue(ProvisioningLabels.ManagedBy, out var manager) || manager != ProvisioningLabels.ManagedByValue)
        {
            return NamespaceOwnership.NotOwnedByGuardrails;
        }

        return info.Labels.TryGetValue(ProvisioningLabels.Environment, out var owner) && owner == environmentName
            ? NamespaceOwnership.OwnedByThisEnvironment
            : NamespaceOwnership.OwnedByGuardrailsOtherEnvironment;
    }
}
