using System.Text.Json;
using Guardrails.Policies.State;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Tests.Hosting.Tls;

namespace Guardrails.Webhook.Tests.Cluster;

/// <summary>The ledger of workloads admitted moments ago: kept until the watch delivers a newer version, or a TTL.</summary>
public sealed class AdmittedWorkloadsTests
{
    private static WorkloadSummary Summary(int replicas, string resourceVersion = "") =>
        WorkloadSummary.Read(JsonDocument.Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"team-a","uid":"dep-1","resourceVersion":"RV"},
             "spec":{"replicas":REPLICAS,"template":{"spec":{"containers":[{"name":"app","image":"x:1"}]}}}}
            """.Replace("RV", resourceVersion, StringComparison.Ordinal).Replace("REPLICAS", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)).RootElement, [])!;

    [Fact]
    public void An_update_stays_until_the_watch_delivers_a_version_other_than_the_one_it_replaced()
    {
        var ledger = new AdmittedWorkloads(new ManualTimeProvider(DateTimeOffset.UnixEpoch), TimeSpan.FromSeconds(30));
        ledger.Admitted(Summary(6), admittedAt: "41");

        // The watch still delivering the version the update replaced: the ledger knows better.
        ledger.Observed("team-a", "dep-1", "41");
        ledger.Get("team-a", "dep-1")!.Replicas.ShouldBe(6);

        ledger.Observed("team-a", "dep-1", "42");
        ledger.Get("team-a", "dep-1").ShouldBeNull();
    }

    [Fact]
    public void An_entry_the_watch_never_confirms_ends_after_its_ttl()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var ledger = new AdmittedWorkloads(time, TimeSpan.FromSeconds(30));
        ledger.Admitted(Summary(3), admittedAt: null);

        time.Advance(TimeSpan.FromSeconds(29));
        ledger.InNamespace("team-a").ShouldHaveSingleItem();
        time.Advance(TimeSpan.FromSeconds(2));

        ledger.Get("team-a", "dep-1").ShouldBeNull();
        ledger.InNamespace("team-a").ShouldBeEmpty();
    }
}
