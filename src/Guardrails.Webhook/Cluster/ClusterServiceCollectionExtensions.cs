using System.Runtime.CompilerServices;
using Guardrails.Webhook.Admission.Refusals;
using Guardrails.Webhook.Cluster.Api;
using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Provisioning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Cluster;

public static class ClusterServiceCollectionExtensions
{
    /// <summary>With a cluster configured: a Kubernetes client, watch caches and live state; without one: request-supplied state only.</summary>
    /// <exception cref="KubeConfigException">The kubeconfig cannot be used; the message says why.</exception>
    public static IServiceCollection AddClusterState(this IServiceCollection services, ServeOptions options)
    {
        // Without a cluster, KubernetesClient (a 12 MB assembly and its serializer set-up) is never loaded: the code
        // that names its types is in another method, which is compiled only when it runs.
        if (!options.InCluster && options.Kubeconfig is null)
        {
            services.AddSingleton<IClusterStateSource, NoClusterStateSource>();
            services.AddSingleton<IExceptionSource, NoExceptionSource>();
            return services;
        }

        return services.AddLiveClusterState(options);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IServiceCollection AddLiveClusterState(this IServiceCollection services, ServeOptions options)
    {
        var configuration = options.InCluster
            ? ClusterConfiguration.InCluster()
            : ClusterConfiguration.FromKubeconfig(options.Kubeconfig!, options.KubeContext);
        services.AddSingleton(configuration);
        services.AddSingleton<IKubernetesApi>(sp => new KubernetesClientApi(configuration, logger: sp.GetRequiredService<ILoggerFactory>().CreateLogger("Guardrails.Kubernetes")));
        services.AddSingleton(sp => new QuotaReservations(sp.GetRequiredService<TimeProvider>(), options.ReservationTtl));
        services.AddSingleton(sp => new LiveClusterState(
            sp.GetRequiredService<QuotaReservations>(),
            sp.GetRequiredService<ILogger<LiveClusterState>>(),
            sp.GetRequiredService<TimeProvider>(),
            options.StateStaleAfter,
            new AdmittedWorkloads(sp.GetRequiredService<TimeProvider>(), options.ReservationTtl)));
        services.AddSingleton<IClusterStateSource>(sp => sp.GetRequiredService<LiveClusterState>());
        services.AddSingleton<ExceptionCache>();
        services.AddSingleton<IExceptionSource>(sp => sp.GetRequiredService<ExceptionCache>());
        services.AddSingleton<Exceptions.IApprovalCheck, Exceptions.SubjectAccessApprovalCheck>();
        services.AddHostedService<ClusterWatcher>();
        services.AddHostedService<Exceptions.ExceptionStatusWriter>();
        services.AddSingleton<WebhookConfigurationSync>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookConfigurationSync>());

        // A refused controller write is recorded as a Warning Event on the workload a person created.
        services.AddSingleton(sp => new RefusalEvents(sp.GetRequiredService<TimeProvider>(), options.RefusalEventInterval));
        services.AddHostedService<RefusalEventWriter>();

        // Provisioning needs the API too: the controller applies plans, the REST door asks TokenReview and SubjectAccessReview.
        services.AddSingleton<KubernetesAccess>();
        services.AddSingleton<EnvironmentReconciler>();
        services.AddSingleton(sp => new LeaderElector(
            sp.GetRequiredService<IKubernetesApi>(),
            options.OwnNamespace,
            "guardrails-provisioner",
            Environment.GetEnvironmentVariable("POD_NAME") ?? $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}",
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<LeaderElector>>(),
            options.LeaseDuration));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ProvisioningController>(sp, options.ReconcileDeadline));
        services.AddHostedService(sp => sp.GetRequiredService<ProvisioningController>());
        return services;
    }
}
