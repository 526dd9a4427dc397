using System.Text.Json.Nodes;
using Guardrails.Tests;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Cluster.Api;
using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Tests.Cluster.Api;
using Microsoft.Extensions.Logging.Abstractions;

namespace Guardrails.Webhook.Tests.Cluster;

/// <summary>In a cluster, Guardrails keeps its own webhook configurations' rules in step with the packs it loaded.</summary>
public sealed class WebhookConfigurationSyncTests
{
    private static object Configuration(string kind, string webhook) => new
    {
        apiVersion = "admissionregistration.k8s.io/v1",
        kind,
        metadata = new { name = "guardrails" },
        webhooks = new object[]
        {
            new
            {
                name = webhook,
                clientConfig = new { service = new { name = "guardrails", @namespace = "guardrails", path = "/validate" }, caBundle = "Q0E=" },
                namespaceSelector = new { matchExpressions = new[] { new { key = "kubernetes.io/metadata.name", @operator = "NotIn", values = new[] { "kube-system", "guardrails" } } } },
                rules = new[] { new { apiGroups = new[] { "*" }, apiVersions = new[] { "*" }, operations = new[] { "*" }, resources = new[] { "*" }, scope = "*" } },
                sideEffects = "None",
                admissionReviewVersions = new[] { "v1" },
            },
        },
    };

    [Fact]
    public async Task The_rules_become_what_the_packs_match_and_nothing_else_changes()
    {
        await using var bed = await KubeTestBed.StartAsync();
        bed.Server.Upsert(Configuration("ValidatingWebhookConfiguration", "guardrails-validate.guardrails.dev"), "validatingwebhookconfigurations");
        bed.Server.Upsert(Configuration("MutatingWebhookConfiguration", "guardrails-mutate.guardrails.dev"), "mutatingwebhookconfigurations");
        using var api = bed.CreateClient();
        var store = new PolicyStore(TimeProvider.System);
        var sync = new WebhookConfigurationSync(api, store, NullLogger<WebhookConfigurationSync>.Instance);

        await sync.SyncAsync(PackDirectory.Load(Path.Combine(RepoPaths.Root, "examples", "rules")).Policy!, TestContext.Current.CancellationToken);

        var validating = bed.Server.Get("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/guardrails")!["webhooks"]![0]!;
        var resources = validating["rules"]!.AsArray().SelectMany(r => r!["resources"]!.AsArray().Select(x => x!.GetValue<string>())).ToList();
        resources.ShouldBe(["services", "deployments", "deployments/scale", "statefulsets", "statefulsets/scale", "ingresses", "poddisruptionbudgets", "crontabs", "environments"]);
        validating["namespaceSelector"]!["matchExpressions"]![0]!["values"]!.AsArray().Select(v => v!.GetValue<string>()).ShouldBe(["kube-system", "guardrails"]);
        validating["clientConfig"]!["caBundle"]!.GetValue<string>().ShouldBe("Q0E=");

        var mutating = bed.Server.Get("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/guardrails")!["webhooks"]![0]!;
        mutating["rules"]!.AsArray().ShouldBeEmpty("no enabled rule mutates, so the apiserver is never asked to call /mutate");
    }

    [Fact]
    public async Task Missing_configurations_are_left_alone()
    {
        await using var bed = await KubeTestBed.StartAsync();
        using var api = bed.CreateClient();
        var sync = new WebhookConfigurationSync(api, new PolicyStore(TimeProvider.System), NullLogger<WebhookConfigurationSync>.Instance);

        await sync.SyncAsync(PackDirectory.Load(RepoPaths.Policies).Policy!, TestContext.Current.CancellationToken);

        bed.Server.RequestLog.ShouldAllBe(r => r.Method == "GET");
        bed.Server.Get("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/guardrails").ShouldBeNull();
    }
}
