using System.Text.Json;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Exceptions;
using Guardrails.Policies.Resources;
using Guardrails.Policies.State;

namespace Guardrails.Policies.Tests.Exceptions;

/// <summary>A pack whose run-as-non-root and resource-requirements allow bounded self-service exceptions, and exceptions written as YAML.</summary>
internal static class ExceptionTestData
{
    public static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    public const string Pack = """
        apiVersion: guardrails.dev/v1alpha1
        kind: RulePack
        metadata: { name: baseline }
        spec:
          rules:
            - id: run-as-non-root
              exceptions:
                selfService: true
                maxDuration: 168h
                containers: [vendor-*]
                ticketPattern: '^OPS-[0-9]+$'
            - id: resource-requirements
              parameters: { required: [requests.cpu, requests.memory, limits.memory] }
              exceptions:
                selfService: true
                maxDuration: 24h
                fields: [limits.memory]
                approval: required
            - id: image-tag
        """;

    public static readonly CompiledPolicy Policy = Support.Policy.Compile(Pack);

    /// <summary>A Deployment whose container 'vendor-agent' may run as root; otherwise compliant.</summary>
    public static string Deployment(string ns = "team-a", string name = "vendor", string memoryLimit = "limits: { memory: 64Mi }", string securityContext = "") => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: {{name}}, namespace: {{ns}} }
        spec:
          selector: { matchLabels: { app: vendor } }
          template:
            metadata: { labels: { app: vendor } }
            spec:
              containers:
                - name: vendor-agent
                  image: vendor/agent:1.2
                  {{securityContext}}
                  resources: { requests: { cpu: 100m, memory: 64Mi }, {{memoryLimit}} }
        """;

    public static string Exception(
        string rule = "run-as-non-root",
        string ns = "team-a",
        string name = "vendor-root",
        string target = "{ kind: Deployment, name: vendor, container: vendor-agent }",
        string expires = "2026-12-05T12:00:00Z",
        string extra = "reason: vendor fixes the image next week, ticket: OPS-42",
        string annotations = "guardrails.dev/requested-by: dev@example.com") => $$"""
        apiVersion: guardrails.dev/v1alpha1
        kind: PolicyException
        metadata: { name: {{name}}, namespace: {{ns}}, creationTimestamp: "2026-12-01T11:00:00Z", annotations: { {{annotations}} } }
        spec: { rule: {{rule}}, target: {{target}}, expires: "{{expires}}", {{extra}} }
        """;

    public static PolicyException Read(string yaml)
    {
        using var manifest = Support.Policy.Single(yaml);
        var errors = new List<string>();
        var exception = PolicyExceptionReader.Read(manifest.Root, "default", errors);
        errors.ShouldBeEmpty();
        return exception!;
    }

    public static Verdict Evaluate(string yaml, DateTimeOffset? now, params PolicyException[] exceptions)
    {
        using var manifest = Support.Policy.Single(yaml);
        return Policy.Evaluate(new EvaluationRequest
        {
            Group = manifest.Group,
            Kind = manifest.Kind!,
            Namespace = manifest.Namespace,
            Name = manifest.Name,
            Object = manifest.Root,
            Cluster = ClusterSnapshot.Empty,
            Exceptions = new ExceptionIndex(exceptions),
            Now = now,
        });
    }
}
