using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Tests.Cluster;
using Guardrails.Webhook.Tests.Cluster.Api;
using Guardrails.Webhook.Tests.Support.FakeKube;

namespace Guardrails.Webhook.Tests.Provisioning;

/// <summary>Guardrails with live state and provisioning against the fake API server, plus the calls the tests make.</summary>
internal sealed class ProvisioningHarness : IAsyncDisposable
{
    public const string AliceToken = "token-for-alice";
    public const string MalloryToken = "token-for-mallory";

    private ProvisioningHarness(LiveStateHarness live)
    {
        Live = live;
    }

    public LiveStateHarness Live { get; }

    public FakeKubeApiServer Api => Live.Bed.Server;

    /// <param name="controllerLeads">False: another replica holds the provisioning Lease for the whole test, so this
    /// Guardrails' controller never reconciles and a test can drive a reconciler of its own.</param>
    public static async Task<ProvisioningHarness> StartAsync(TimeSpan? latency = null, Func<ServeOptions, ServeOptions>? configure = null, bool controllerLeads = true)
    {
        void Seed(KubeTestBed bed)
        {
            // Guardrails' own namespace holds the provisioning Lease.
            bed.Namespace("guardrails");
            if (!controllerLeads)
            {
                var renewed = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
                bed.Server.Upsert(new JsonObject
                {
                    ["apiVersion"] = "coordination.k8s.io/v1",
                    ["kind"] = "Lease",
                    ["metadata"] = new JsonObject { ["name"] = "guardrails-provisioner", ["namespace"] = "guardrails" },
                    ["spec"] = new JsonObject { ["holderIdentity"] = "another-replica", ["leaseDurationSeconds"] = 3600, ["acquireTime"] = renewed, ["renewTime"] = renewed },
                });
            }

            bed.Server.TokenReviews[AliceToken] = new FakeUser("alice", "team-a-devs");
            bed.Server.TokenReviews[MalloryToken] = new FakeUser("mallory");
            bed.Server.AccessReviews[new AccessCheck("alice", "create", "guardrails.dev", "environments", "team-a")] = true;
            bed.Server.AccessReviews[new AccessCheck("alice", "get", "guardrails.dev", "environments", "team-a")] = true;
            if (latency is { } delay)
            {
                bed.Server.Latency = delay;
            }
        }

        var live = await LiveStateHarness.StartAsync(Seed, configure);
        return new ProvisioningHarness(live);
    }

    public static JsonObject Spec(string name = "dev", string cpu = "4", string? ttl = null)
    {
        var spec = new JsonObject
        {
            ["team"] = "team-a",
            ["name"] = name,
            ["tier"] = "dev",
            ["resources"] = new JsonObject { ["cpu"] = cpu, ["memory"] = "16Gi", ["storage"] = "10Gi", ["pods"] = "20" },
            ["members"] = new JsonObject
            {
                ["editors"] = new JsonObject { ["users"] = new JsonArray("alice") },
                ["viewers"] = new JsonObject { ["groups"] = new JsonArray("team-a-devs") },
            },
        };
        if (ttl is not null)
        {
            spec["ttl"] = ttl;
        }

        return spec;
    }

    public JsonObject ApplyEnvironment(JsonObject spec) => Api.Upsert(new JsonObject
    {
        ["apiVersion"] = "guardrails.dev/v1alpha1",
        ["kind"] = "Environment",
        ["metadata"] = new JsonObject { ["name"] = $"team-a-{spec["name"]}" },
        ["spec"] = spec.DeepClone(),
    });

    /// <summary>What <c>kubectl apply --server-side</c> does: the stored status, finalizers and annotations stay.</summary>
    public async Task ApplyEnvironmentAsKubectlAsync(JsonObject spec)
    {
        using var client = Live.Bed.CreateClient();
        var body = new JsonObject
        {
            ["apiVersion"] = "guardrails.dev/v1alpha1",
            ["kind"] = "Environment",
            ["metadata"] = new JsonObject { ["name"] = $"team-a-{spec["name"]}" },
            ["spec"] = spec.DeepClone(),
        };
        using var document = System.Text.Json.JsonDocument.Parse(body.ToJsonString());
        (await client.ApplyAsync($"/apis/guardrails.dev/v1alpha1/environments/team-a-{spec["name"]}", document.RootElement, "kubectl", force: false, TestContext.Current.CancellationToken)).Dispose();
    }

    public JsonObject? Environment(string name) => Api.Get($"/apis/guardrails.dev/v1alpha1/environments/{name}");

    public async Task<JsonObject> WaitForPhaseAsync(string name, string phase)
    {
        JsonObject? environment = null;
        await LiveStateHarness.EventuallyAsync(
            () => Task.FromResult((environment = Environment(name))?["status"]?["phase"]?.GetValue<string>() == phase),
            $"environment {name} {phase} (now: {Environment(name)?["status"]?.ToJsonString()})");
        return environment!;
    }

    public async Task<(int Status, JsonNode Body)> PostAsync(string? token, JsonObject spec, string query = "")
    {
        using var client = Live.Guardrails.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/environments" + query)
        {
            Content = new StringContent(spec.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!);
    }

    public ValueTask DisposeAsync() => Live.DisposeAsync();
}
