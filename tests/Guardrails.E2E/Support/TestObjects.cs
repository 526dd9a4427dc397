using System.Globalization;

namespace Guardrails.E2E.Support;

/// <summary>
/// The objects the suite sends, as YAML. Every one carries the run label: the registered webhooks select on it, so an
/// object without it would be admitted without Guardrails ever being asked, and a test would pass for nothing.
/// </summary>
internal static class TestObjects
{
    /// <summary>Label on every namespace and object of a run; the webhooks only see namespaces and objects carrying it.</summary>
    public const string RunLabel = "guardrails-e2e";

    /// <summary>Small, pinned and runnable as a non-root user, so a compliant pod really starts.</summary>
    public const string PinnedImage = "registry.k8s.io/pause:3.9";

    public static string Namespace(string name, string runId) => $"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {name}
          labels:
            {RunLabel}: "{runId}"
        """;

    /// <summary>Breaks three rules at once: runs as root, declares no resources, pulls the moving <c>latest</c> tag.</summary>
    public static string NonCompliantPod(string @namespace, string name, string runId) => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {name}
          namespace: {@namespace}
          labels:
            {RunLabel}: "{runId}"
        spec:
          containers:
            - name: web
              image: nginx:latest
        """;

    public static string CompliantPod(string @namespace, string name, string runId) => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {name}
          namespace: {@namespace}
          labels:
            {RunLabel}: "{runId}"
        spec:
        {Indent(PodSpecBody("10m"), 2)}
        """;

    public static string NonCompliantDeployment(string @namespace, string name, string runId) => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {name}
          namespace: {@namespace}
          labels:
            {RunLabel}: "{runId}"
        spec:
          replicas: 1
          selector:
            matchLabels:
              app: {name}
          template:
            metadata:
              labels:
                app: {name}
                {RunLabel}: "{runId}"
            spec:
              containers:
                - name: web
                  image: nginx:latest
        """;

    /// <summary>A compliant Deployment; <paramref name="cpuRequest"/> per pod, so quota tests can size it.</summary>
    public static string CompliantDeployment(string @namespace, string name, string runId, int replicas = 1, string cpuRequest = "10m") => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {name}
          namespace: {@namespace}
          labels:
            {RunLabel}: "{runId}"
        spec:
          replicas: {replicas.ToString(CultureInfo.InvariantCulture)}
          selector:
            matchLabels:
              app: {name}
          template:
            metadata:
              labels:
                app: {name}
                {RunLabel}: "{runId}"
            spec:
        {Indent(PodSpecBody(cpuRequest), 6)}
        """;

    public static string CpuQuota(string @namespace, string name, string runId, string requestsCpu) => $"""
        apiVersion: v1
        kind: ResourceQuota
        metadata:
          name: {name}
          namespace: {@namespace}
          labels:
            {RunLabel}: "{runId}"
        spec:
          hard:
            requests.cpu: "{requestsCpu}"
        """;

    /// <summary>
    /// Satisfies every Guardrails rule, and also Pod Security "restricted", so a cluster that enforces it does not
    /// refuse the compliant objects for reasons that have nothing to do with Guardrails.
    /// </summary>
    private static string PodSpecBody(string cpuRequest) => $"""
        securityContext:
          runAsNonRoot: true
          runAsUser: 65535
          seccompProfile:
            type: RuntimeDefault
        automountServiceAccountToken: false
        containers:
          - name: app
            image: {PinnedImage}
            securityContext:
              allowPrivilegeEscalation: false
              capabilities:
                drop: ["ALL"]
            resources:
              requests:
                cpu: "{cpuRequest}"
                memory: 16Mi
              limits:
                memory: 32Mi
        """;

    private static string Indent(string block, int spaces)
    {
        var pad = new string(' ', spaces);
        return string.Join('\n', block.Split('\n').Select(line => line.Length == 0 ? line : pad + line));
    }
}
