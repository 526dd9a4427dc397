using System.Text.Json.Nodes;
using Guardrails.Webhook.Tests.Cluster;
using Guardrails.Webhook.Tests.Cluster.Api;
using Guardrails.Webhook.Tests.Hosting.Tls;
using Guardrails.Webhook.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Guardrails.Webhook.Tests.Exceptions;

/// <summary>
/// Guardrails against the fake API server with a pack that bounds exceptions, a manual clock, and requests in the
/// shape the apiserver sends (the recorded v1.24 pod a person's kubectl created and got denied).
/// </summary>
internal sealed class ExceptionHarness : IAsyncDisposable
{
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
                deleteExpiredAfter: 1h
            - id: resource-requirements
              parameters: { required: [limits.memory] }
              exceptions:
                selfService: true
                maxDuration: 24h
                fields: [limits.memory]
                approval: required
        """;

    private ExceptionHarness(LiveStateHarness live, ManualTimeProvider clock)
    {
        Live = live;
        Clock = clock;
    }

    public LiveStateHarness Live { get; }

    public ManualTimeProvider Clock { get; }

    public HttpClient Client { get; private init; } = null!;

    public DateTimeOffset Now => Clock.GetUtcNow();

    public static async Task<ExceptionHarness> StartAsync(Action<KubeTestBed>? seed = null)
    {
        var now = DateTimeOffset.UtcNow;
        var clock = new ManualTimeProvider(new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero));
        var live = await LiveStateHarness.StartAsync(seed, packs: Pack, services: s => s.AddSingleton<TimeProvider>(clock));
        var harness = new ExceptionHarness(live, clock) { Client = live.Guardrails.CreateClient() };
        var state = live.Guardrails.App.Services.GetRequiredService<Guardrails.Webhook.Cluster.LiveClusterState>();
        await LiveStateHarness.EventuallyAsync(() => Task.FromResult(state.IsSynced), "caches synced");
        return harness;
    }

    /// <summary>The recorded pod (<c>v1.24/create-pod-denied.json</c>): runs as root and has no memory limit.</summary>
    public static string RecordedPod(string @namespace = "default")
    {
        var review = JsonNode.Parse(Fixtures.Read("v1.24/create-pod-denied.json"))!;
        review["request"]!["namespace"] = @namespace;
        review["request"]!["object"]!["metadata"]!["namespace"] = @namespace;
        review["request"]!["uid"] = Guid.NewGuid().ToString();
        return review.ToJsonString();
    }

    public static JsonObject Exception(string name, string rule, DateTimeOffset expires, string @namespace = "default", string? fields = null, string? requestedBy = null, string? approve = null) =>
        new()
        {
            ["apiVersion"] = "guardrails.dev/v1alpha1",
            ["kind"] = "PolicyException",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = @namespace,
                ["annotations"] = Annotations(requestedBy, approve),
            },
            ["spec"] = new JsonObject
            {
                ["rule"] = rule,
                ["target"] = new JsonObject { ["kind"] = "Pod", ["name"] = "denied", ["container"] = "denied" },
                ["reason"] = "the vendor fixes the image next week",
                ["expires"] = expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                ["fields"] = fields is null ? null : new JsonArray(JsonValue.Create(fields)),
            },
        };

    /// <summary>A PolicyException CREATE or UPDATE as the apiserver wraps it, from <paramref name="user"/>.</summary>
    public static string Review(JsonObject obj, string user, JsonObject? old = null, params string[] groups)
    {
        var review = JsonNode.Parse(Fixtures.Read("v1.24/create-pod-denied.json"))!;
        var request = review["request"]!;
        request["uid"] = Guid.NewGuid().ToString();
        request["kind"] = new JsonObject { ["group"] = "guardrails.dev", ["version"] = "v1alpha1", ["kind"] = "PolicyException" };
        request["resource"] = new JsonObject { ["group"] = "guardrails.dev", ["version"] = "v1alpha1", ["resource"] = "policyexceptions" };
        request["requestKind"] = request["kind"]!.DeepClone();
        request["requestResource"] = request["resource"]!.DeepClone();
        request["name"] = obj["metadata"]!["name"]!.GetValue<string>();
        request["namespace"] = obj["metadata"]!["namespace"]!.GetValue<string>();
        request["operation"] = old is null ? "CREATE" : "UPDATE";
        request["userInfo"] = new JsonObject { ["username"] = user, ["groups"] = new JsonArray([.. groups.Append("system:authenticated").Select(g => JsonValue.Create(g))]) };
        request["object"] = obj.DeepClone();
        request["oldObject"] = old?.DeepClone();
        request["options"] = new JsonObject { ["kind"] = old is null ? "CreateOptions" : "UpdateOptions", ["apiVersion"] = "meta.k8s.io/v1" };
        return review.ToJsonString();
    }

    /// <summary>What the apiserver does: /mutate, its patch applied, then /validate of the result.</summary>
    public async Task<(AdmissionResponse Mutated, AdmissionResponse Validated, JsonObject Stored)> ApplyAsync(JsonObject obj, string user, JsonObject? old = null, params string[] groups)
    {
        var mutated = await Live.ValidateAsync(Client, Review(obj, user, old, groups), "/mutate");
        mutated.Allowed.ShouldBeTrue(mutated.Message);
        var patched = mutated.Patch is null ? obj : (JsonObject)new Policies.Patching.JsonPatch(ParsePatch(mutated.Patch)).Apply(obj)!;
        var validated = await Live.ValidateAsync(Client, Review(patched, user, old, groups));
        return (mutated, validated, patched);
    }

    /// <summary>Stores the exception in the fake API server and waits for the watch cache to hold it.</summary>
    public async Task StoreAsync(JsonObject obj)
    {
        Live.Bed.Server.Upsert(obj.DeepClone());
        var cache = Live.Guardrails.App.Services.GetRequiredService<Guardrails.Webhook.Cluster.ExceptionCache>();
        var name = obj["metadata"]!["name"]!.GetValue<string>();
        var approvedBy = obj["metadata"]?["annotations"]?[Policies.Exceptions.ExceptionAnnotations.ApprovedBy]?.GetValue<string>();
        await LiveStateHarness.EventuallyAsync(
            () => Task.FromResult(cache.Current.All.Any(e => e.Name == name && e.ApprovedBy == approvedBy)),
            $"exception {name} cached");
    }

    public async Task RemoveAsync(string name, string @namespace = "default")
    {
        Live.Bed.Server.Delete($"/apis/guardrails.dev/v1alpha1/namespaces/{@namespace}/policyexceptions/{name}");
        var cache = Live.Guardrails.App.Services.GetRequiredService<Guardrails.Webhook.Cluster.ExceptionCache>();
        await LiveStateHarness.EventuallyAsync(() => Task.FromResult(!cache.Current.All.Any(e => e.Name == name)), $"exception {name} gone");
    }

    public Task<AdmissionResponse> ValidatePodAsync(string @namespace = "default") => Live.ValidateAsync(Client, RecordedPod(@namespace));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Live.DisposeAsync();
    }

    private static List<Policies.Patching.PatchOperation> ParsePatch(string patch) =>
        [.. JsonNode.Parse(patch)!.AsArray().Select(op => op!["op"]!.GetValue<string>() switch
        {
            "add" => Policies.Patching.PatchOperation.Add(op["path"]!.GetValue<string>(), op["value"]?.DeepClone()),
            var other => throw new InvalidOperationException($"unexpected patch op {other}"),
        })];

    private static JsonObject Annotations(string? requestedBy, string? approve)
    {
        var annotations = new JsonObject();
        if (requestedBy is not null)
        {
            annotations[Policies.Exceptions.ExceptionAnnotations.RequestedBy] = requestedBy;
        }

        if (approve is not null)
        {
            annotations[Policies.Exceptions.ExceptionAnnotations.Approve] = approve;
        }

        return annotations;
    }
}
