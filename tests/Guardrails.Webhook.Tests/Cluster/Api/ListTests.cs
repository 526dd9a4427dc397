using Guardrails.Webhook.Cluster.Api;

namespace Guardrails.Webhook.Tests.Cluster.Api;

public sealed class ListTests
{
    [Fact]
    public async Task Pages_follow_continue_tokens_and_read_one_consistent_version()
    {
        await using var bed = await KubeTestBed.StartAsync();
        for (var i = 1; i <= 7; i++)
        {
            bed.Quota("team-a", $"q{i}");
        }

        bed.Quota("team-b", "b1");
        bed.Quota("team-b", "b2");
        using var client = bed.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        using var first = await client.ListAsync(ResourceType.ResourceQuotas, "team-a", 3, null, ct);
        bed.Quota("team-a", "q0");
        using var second = await client.ListAsync(ResourceType.ResourceQuotas, "team-a", 3, first.Continue, ct);
        using var third = await client.ListAsync(ResourceType.ResourceQuotas, "team-a", 3, second.Continue, ct);

        Names(first).ShouldBe(["q1", "q2", "q3"]);
        Names(second).ShouldBe(["q4", "q5", "q6"]);
        Names(third).ShouldBe(["q7"]);
        first.Continue.ShouldNotBeNull();
        second.Continue.ShouldNotBeNull();
        third.Continue.ShouldBeNull();
        second.ResourceVersion.ShouldBe(first.ResourceVersion);
        third.ResourceVersion.ShouldBe(first.ResourceVersion);
        bed.Server.RequestLog.Where(r => r.Path.EndsWith("/resourcequotas", StringComparison.Ordinal)).Select(r => KubeTestBed.SortedQuery(r.Query)).ShouldBe([
            "?limit=3",
            KubeTestBed.SortedQuery("?limit=3&continue=" + Uri.EscapeDataString(first.Continue!)),
            KubeTestBed.SortedQuery("?limit=3&continue=" + Uri.EscapeDataString(second.Continue!)),
        ]);

        using var everywhere = await client.ListAsync(ResourceType.ResourceQuotas, null, null, null, ct);
        Names(everywhere).ShouldBe(["q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "b1", "b2"]);
        long.Parse(everywhere.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(bed.Server.ResourceVersion);
        everywhere.Continue.ShouldBeNull();
        bed.Server.RequestLog[^1].PathAndQuery.ShouldBe("/api/v1/resourcequotas");
    }

    [Fact]
    public async Task A_continue_token_past_compaction_is_WatchExpired()
    {
        await using var bed = await KubeTestBed.StartAsync();
        bed.Namespace("a");
        bed.Namespace("b");
        using var client = bed.CreateClient();
        using var first = await client.ListAsync(ResourceType.Namespaces, null, 1, null, TestContext.Current.CancellationToken);

        bed.Server.ExpireHistory();

        var error = await Should.ThrowAsync<WatchExpiredException>(() =>
            client.ListAsync(ResourceType.Namespaces, null, 1, first.Continue, TestContext.Current.CancellationToken));
        error.Message.ShouldContain("410");
        error.Message.ShouldContain("continue parameter is too old");
    }

    [Fact]
    public async Task An_empty_collection_is_an_empty_list_with_a_version()
    {
        await using var bed = await KubeTestBed.StartAsync();
        using var client = bed.CreateClient();

        using var list = await client.ListAsync(ResourceType.LimitRanges, "team-a", 10, null, TestContext.Current.CancellationToken);

        list.Items.ShouldBeEmpty();
        list.Continue.ShouldBeNull();
        list.ResourceVersion.ShouldBe(bed.Server.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string?[] Names(ObjectList list) =>
        [.. list.Items.Select(i => i.GetProperty("metadata").GetProperty("name").GetString())];
}
