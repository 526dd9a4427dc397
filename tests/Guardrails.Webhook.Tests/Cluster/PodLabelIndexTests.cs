using System.Text.Json;
using Guardrails.Policies.Packs;
using Guardrails.Policies.State;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Cluster.Api;
using Microsoft.Extensions.Logging.Abstractions;

namespace Guardrails.Webhook.Tests.Cluster;

/// <summary>
/// The pod-label index a PodDisruptionBudget's matchLabels is answered from must select exactly what matching the
/// selector against every workload of the namespace selects, however the cache changed since it was built.
/// </summary>
public sealed class PodLabelIndexTests
{
    private static readonly LabelSelector[] Selectors =
    [
        Selector(("app", "web")),
        Selector(("app", "api")),
        Selector(("app", "web"), ("tier", "backend")),
        Selector(("app", "web"), ("tier", "frontend")),
        Selector(("app", "nothing")),
        new(new Dictionary<string, string>(), [new LabelSelectorRequirement("tier", "In", ["backend"])]),
        new(new Dictionary<string, string> { ["app"] = "web" }, [new LabelSelectorRequirement("tier", "NotIn", ["frontend"])]),
        new(new Dictionary<string, string>(), [new LabelSelectorRequirement("app", "Exists", [])]),
    ];

    [Fact]
    public void Selects_what_the_scan_selects_on_a_replaced_cache()
    {
        var state = State();
        state.Replace(WorkloadResourceTypes.Deployments, [Deployment("web-1", "web", "backend"), Deployment("web-2", "web", "frontend"), Deployment("api", "api", "backend"), Deployment("other-ns", "web", "backend", "team-b")]);

        AssertAgrees(state, expectedWeb: ["web-1", "web-2"]);
    }

    [Fact]
    public void Follows_added_relabelled_and_deleted_workloads()
    {
        var state = State();
        state.Replace(WorkloadResourceTypes.Deployments, [Deployment("web-1", "web", "backend"), Deployment("api", "api", "backend")]);
        AssertAgrees(state, expectedWeb: ["web-1"]);

        state.Upsert(WorkloadResourceTypes.Deployments, Deployment("web-2", "web", "frontend"));
        AssertAgrees(state, expectedWeb: ["web-1", "web-2"]);

        // Relabelled: web-1's pods are now api's, so a web budget no longer selects it.
        state.Upsert(WorkloadResourceTypes.Deployments, Deployment("web-1", "api", "backend"));
        AssertAgrees(state, expectedWeb: ["web-2"]);

        state.Delete(WorkloadResourceTypes.Deployments, Deployment("web-2", "web", "frontend"));
        AssertAgrees(state, expectedWeb: []);
    }

    [Fact]
    public void Includes_workloads_admitted_moments_ago_over_their_cached_copy()
    {
        var state = State();
        state.Replace(WorkloadResourceTypes.Deployments, [Deployment("web-1", "web", "backend")]);
        _ = state.Current.WorkloadCandidates("team-a", Selectors[0]);

        // Admitted relabelled before the watch delivers it: the admitted copy is the one judged.
        state.Admitted.Admitted(WorkloadSummary.Read(Deployment("web-1", "api", "backend"), [])!, null);
        state.Admitted.Admitted(WorkloadSummary.Read(Deployment("web-3", "web", "backend"), [])!, null);

        AssertAgrees(state, expectedWeb: ["web-3"]);
    }

    private static void AssertAgrees(LiveClusterState state, string[] expectedWeb)
    {
        var snapshot = state.Current;
        var matcherWeb = new SelectorMatcher(Selectors[0]);
        Assert.Equal(expectedWeb, Selected(snapshot.WorkloadCandidates("team-a", Selectors[0]), matcherWeb));
        foreach (var selector in Selectors)
        {
            var matcher = new SelectorMatcher(selector);
            Assert.Equal(Selected(snapshot.WorkloadsIn("team-a"), matcher), Selected(snapshot.WorkloadCandidates("team-a", selector), matcher));
        }
    }

    private static string[] Selected(IReadOnlyList<WorkloadSummary> workloads, SelectorMatcher matcher) =>
        [.. workloads.Where(w => matcher.Matches(w.PodLabels)).Select(w => w.Name).Order(StringComparer.Ordinal)];

    private static LabelSelector Selector(params (string Key, string Value)[] labels) =>
        new(labels.ToDictionary(l => l.Key, l => l.Value), []);

    private static LiveClusterState State()
    {
        var state = new LiveClusterState(new QuotaReservations(TimeProvider.System, TimeSpan.FromSeconds(30)), NullLogger<LiveClusterState>.Instance, TimeProvider.System, TimeSpan.FromMinutes(1));
        state.Replace(ResourceType.Namespaces, [Parse("""{"kind":"Namespace","metadata":{"name":"team-a"}}"""), Parse("""{"kind":"Namespace","metadata":{"name":"team-b"}}""")]);
        state.Replace(ResourceType.LimitRanges, []);
        return state;
    }

    private static JsonElement Deployment(string name, string app, string tier, string ns = "team-a") => Parse(
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\",\"uid\":\"uid-" + ns + "-" + name + "\",\"resourceVersion\":\"" + Environment.TickCount64 + "\"},"
        + "\"spec\":{\"replicas\":2,\"selector\":{\"matchLabels\":{\"app\":\"" + app + "\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + app + "\",\"tier\":\"" + tier + "\"}},"
        + "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"nginx:1.27\"}]}}}}");

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
