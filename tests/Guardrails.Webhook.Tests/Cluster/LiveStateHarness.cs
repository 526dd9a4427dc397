using System.Text.Json.Nodes;
using Guardrails.Webhook.Tests.Cluster.Api;
using Guardrails.Webhook.Tests.Hosting.Tls;
using Guardrails.Webhook.Tests.Support;

namespace Guardrails.Webhook.Tests.Cluster;

/// <summary>A fake API server plus a real Guardrails serving against it through a kubeconfig file.</summary>
internal sealed class LiveStateHarness : IAsyncDisposable
{
    private LiveStateHarness(KubeTestBed bed, GuardrailsServer guardrails)
    {
        Bed = bed;
        Guardrails = guardrails;
    }

    public KubeTestBed Bed { get; }

    public GuardrailsServer Guardrails { get; }

    public static async Task<LiveStateHarness> StartAsync(Action<KubeTestBed>? seed = null, Func<Guardrails.Webhook.Hosting.ServeOptions, Guardrails.Webhook.Hosting.ServeOptions>? configure = null, string? packs = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        var bed = await KubeTestBed.StartAsync();
        bed.Namespace("team-a");
        seed?.Invoke(bed);
        var kubeconfig = bed.Write("kubeconfig", $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {bed.ServerUrl}
                certificate-authority-data: {KubeTestBed.Base64(bed.ServerCaPem)}
            users:
            - name: bob
              user:
                token: {KubeTestBed.BobToken}
            contexts:
            - name: fake
              context: {"{"} cluster: fake, user: bob {"}"}
            current-context: fake
            """);
        var guardrails = await GuardrailsServer.StartAsync(o => configure?.Invoke(o with { Kubeconfig = kubeconfig }) ?? o with { Kubeconfig = kubeconfig }, packs, services: services);
        return new LiveStateHarness(bed, guardrails);
    }

    public void Quota(string hardCpu, string usedCpu, string name = "compute") => Bed.Server.Upsert(new
    {
        apiVersion = "v1",
        kind = "ResourceQuota",
        metadata = new { name, @namespace = "team-a" },
        spec = new { hard = new Dictionary<string, string> { ["requests.cpu"] = hardCpu } },
        status = new
        {
            hard = new Dictionary<string, string> { ["requests.cpu"] = hardCpu },
            used = new Dictionary<string, string> { ["requests.cpu"] = usedCpu },
        },
    });

    /// <summary>A compliant Deployment wrapped as the apiserver sends it: only quota can refuse it.</summary>
    public static string Deployment(string name, int replicas, string cpu) => Fixtures.Wrap(
        new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "team-a" },
            ["spec"] = JsonNode.Parse("""
                {"replicas":REPLICAS,"strategy":{"type":"Recreate"},"selector":{"matchLabels":{"app":"web"}},
                 "template":{"metadata":{"labels":{"app":"web"}},"spec":{"securityContext":{"runAsNonRoot":true},
                  "containers":[{"name":"app","image":"nginx:1.27","resources":{"requests":{"cpu":"CPU","memory":"64Mi"},"limits":{"memory":"64Mi"}}}]}}}
                """.Replace("REPLICAS", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("CPU", cpu, StringComparison.Ordinal)),
        },
        $"uid-{name}-{Guid.NewGuid():N}",
        "apps",
        "v1",
        "Deployment");

    public async Task<AdmissionResponse> ValidateAsync(HttpClient client, string review, string door = "/validate")
    {
        using var http = await client.PostAsync($"{door}?timeout=10s", Fixtures.Json(review), TestContext.Current.CancellationToken);
        return await AdmissionResponse.ReadAsync(http);
    }

    /// <summary>Polls until the condition holds, at most 10 s (watches are fast; this only bounds a failure).</summary>
    public static Task EventuallyAsync(Func<Task<bool>> condition, string what) =>
        Eventually.WithinAsync(TimeSpan.FromSeconds(10), condition, what);

    public async ValueTask DisposeAsync()
    {
        await Guardrails.DisposeAsync();
        await Bed.DisposeAsync();
    }
}
