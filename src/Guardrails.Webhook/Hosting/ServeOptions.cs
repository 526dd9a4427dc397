namespace Guardrails.Webhook.Hosting;

/// <summary>Everything <c>guardrails serve</c> is configured with; validated at startup so bad config stops the app.</summary>
public sealed record ServeOptions
{
    public const long DefaultMaxRequestBodyBytes = 8 * 1024 * 1024;

    public required string PoliciesDirectory { get; init; }

    public required string DataDirectory { get; init; }

    public IReadOnlyList<string> Urls { get; init; } = ["https://127.0.0.1:8443"];

    public string? CertFile { get; init; }

    public string? KeyFile { get; init; }

    public string? ClientCaFile { get; init; }

    /// <summary>Extra DNS names or IP addresses for the self-signed serving certificate (an address the apiserver dials).</summary>
    public IReadOnlyList<string> ExtraSans { get; init; } = [];

    /// <summary>Guardrails' own namespace: never judged unless a pack opts in, and named in the printed manifests.</summary>
    public string OwnNamespace { get; init; } = "guardrails";

    public string ServiceName { get; init; } = "guardrails";

    public long MaxRequestBodyBytes { get; init; } = DefaultMaxRequestBodyBytes;

    /// <summary>Used when the apiserver sends no <c>?timeout=</c>; its own default is 10 s.</summary>
    public TimeSpan DefaultAdmissionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan PackReloadInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>Print the CA bundle and webhook manifests at startup.</summary>
    public bool PrintManifests { get; init; } = true;

    /// <summary>Cluster for live state (quota, namespace labels); none means requests carry their own state.</summary>
    public string? Kubeconfig { get; init; }

    public string? KubeContext { get; init; }

    /// <summary>Use the pod's service account (KUBERNETES_SERVICE_HOST, the mounted token and CA).</summary>
    public bool InCluster { get; init; }

    /// <summary>How long a failing watch may go on before its state counts as stale.</summary>
    public TimeSpan StateStaleAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long admitted-but-not-yet-counted quota stays reserved at most.</summary>
    public TimeSpan ReservationTtl { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>At most one GuardrailsDenied Event per workload in this time, however often its controller retries.</summary>
    public TimeSpan RefusalEventInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a provisioning leader's Lease lasts unrenewed before another replica may take over.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one Environment's reconcile may take before it is cancelled and retried, so one stuck call cannot hold up the rest.</summary>
    public TimeSpan ReconcileDeadline { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Benchmark only: serves <c>POST /floor</c>, a fixed allowed AdmissionReview, to measure the server's own cost.</summary>
    public bool EnableFloorEndpoint { get; init; }
}
