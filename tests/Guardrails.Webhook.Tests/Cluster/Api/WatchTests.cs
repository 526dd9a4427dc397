using System.Diagnostics;
using System.Text.Json;
using Guardrails.Webhook.Cluster.Api;
using Guardrails.Webhook.Tests.Hosting.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Guardrails.Webhook.Tests.Cluster.Api;

public sealed class WatchTests
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("HTTP/2")]
    [InlineData("HTTP/1.1")]
    public async Task Changes_after_the_listed_version_arrive_in_order_and_the_server_timeout_ends_the_watch(string protocol)
    {
        await using var bed = await KubeTestBed.StartAsync(o => o.Protocols = Protocols(protocol));
        bed.Quota("team-a", "q0");
        using var client = bed.CreateClient();
        using var list = await client.ListAsync(ResourceType.ResourceQuotas, "team-a", null, null, TestContext.Current.CancellationToken);
        bed.Quota("team-a", "q1");
        bed.Quota("team-b", "elsewhere");
        bed.Quota("team-a", "q1", cpu: "8");
        bed.Server.Delete("/api/v1/namespaces/team-a/resourcequotas/q0").ShouldBeTrue();

        var clock = Stopwatch.StartNew();
        var events = await CollectAsync(client.WatchAsync(ResourceType.ResourceQuotas, "team-a", list.ResourceVersion, Short, TestContext.Current.CancellationToken));

        events.Select(e => $"{e.Type} {e.Name}").ShouldBe(["ADDED q1", "MODIFIED q1", "DELETED q0"]);
        events.Select(e => long.Parse(e.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture)).ShouldBeInOrder(SortDirection.Ascending);
        events[^1].ResourceVersion.ShouldBe(bed.Server.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        events[1].Cpu.ShouldBe("8");
        clock.Elapsed.ShouldBeGreaterThan(TimeSpan.FromSeconds(0.9), "the watch ran until the server's timeoutSeconds");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        bed.Server.RequestLog[^1].Path.ShouldBe("/api/v1/namespaces/team-a/resourcequotas");
        KubeTestBed.SortedQuery(bed.Server.RequestLog[^1].Query).ShouldBe(
            KubeTestBed.SortedQuery($"?watch=true&resourceVersion={list.ResourceVersion}&allowWatchBookmarks=true&timeoutSeconds=1"));
        bed.Server.RequestLog[^1].Protocol.ShouldBe(protocol);
        await Eventually.WithinAsync(TimeSpan.FromSeconds(5), () => bed.Server.WatchCount == 0, "the watch closed on the server");
    }

    [Fact]
    public async Task Live_changes_arrive_while_the_watch_is_open()
    {
        await using var bed = await KubeTestBed.StartAsync();
        using var client = bed.CreateClient();
        using var list = await client.ListAsync(ResourceType.Namespaces, null, null, null, TestContext.Current.CancellationToken);
        var watching = CollectAsync(client.WatchAsync(ResourceType.Namespaces, null, list.ResourceVersion, Long, TestContext.Current.CancellationToken), count: 2);
        await Eventually.WithinAsync(TimeSpan.FromSeconds(10), () => bed.Server.WatchCount == 1, "the watch is open");

        bed.Namespace("team-new");
        bed.Server.Delete("/api/v1/namespaces/team-new");

        var events = await watching.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        events.Select(e => $"{e.Type} {e.Name}").ShouldBe(["ADDED team-new", "DELETED team-new"]);
    }

    [Theory]
    [InlineData("HTTP/2")]
    [InlineData("HTTP/1.1")]
    public async Task Events_split_across_chunks_are_put_back_together(string protocol)
    {
        await using var bed = await KubeTestBed.StartAsync(o => o.Protocols = Protocols(protocol));
        bed.Server.SplitWatchWrites = true;
        using var client = bed.CreateClient();
        var from = bed.Server.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        bed.Quota("team-a", "q1");
        bed.Quota("team-a", "q2", cpu: "100");
        bed.Quota("team-a", "q1", cpu: "2");

        var events = await CollectAsync(client.WatchAsync(ResourceType.ResourceQuotas, null, from, Short, TestContext.Current.CancellationToken));

        events.Select(e => $"{e.Type} {e.Name} {e.Cpu}").ShouldBe(["ADDED q1 4", "ADDED q2 100", "MODIFIED q1 2"]);
    }

    [Fact]
    public async Task Bookmarks_carry_only_the_current_resource_version()
    {
        await using var bed = await KubeTestBed.StartAsync();
        bed.Server.BookmarkInterval = TimeSpan.FromMilliseconds(200);
        using var client = bed.CreateClient();
        using var list = await client.ListAsync(ResourceType.LimitRanges, null, null, null, TestContext.Current.CancellationToken);
        bed.Quota("team-a", "not-a-limit-range");

        var events = await CollectAsync(client.WatchAsync(ResourceType.LimitRanges, null, list.ResourceVersion, Short, TestContext.Current.CancellationToken));

        events.ShouldNotBeEmpty();
        events.ShouldAllBe(e => e.Type == WatchEvent.Bookmark);
        events.ShouldAllBe(e => e.ResourceVersion == bed.Server.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        events[0].MetadataFields.ShouldBe(["resourceVersion"]);
    }

    [Fact]
    public async Task A_version_older_than_the_history_is_WatchExpired_and_a_relist_recovers()
    {
        await using var bed = await KubeTestBed.StartAsync();
        using var client = bed.CreateClient();
        using var before = await client.ListAsync(ResourceType.Namespaces, null, null, null, TestContext.Current.CancellationToken);
        bed.Namespace("team-a");
        bed.Server.ExpireHistory();

        var error = await Should.ThrowAsync<WatchExpiredException>(() =>
            CollectAsync(client.WatchAsync(ResourceType.Namespaces, null, before.ResourceVersion, Long, TestContext.Current.CancellationToken)));
        error.Message.ShouldContain("too old resource version");

        using var after = await client.ListAsync(ResourceType.Namespaces, null, null, null, TestContext.Current.CancellationToken);
        after.Items.Count.ShouldBe(3);
        (await CollectAsync(client.WatchAsync(ResourceType.Namespaces, null, after.ResourceVersion, Short, TestContext.Current.CancellationToken))).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_bounded_history_expires_versions_it_no_longer_holds()
    {
        await using var bed = await KubeTestBed.StartAsync(o => o.HistoryLimit = 3);
        using var client = bed.CreateClient();
        var start = bed.Server.ResourceVersion;
        for (var i = 0; i < 5; i++)
        {
            bed.Quota("team-a", "q", cpu: i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await Should.ThrowAsync<WatchExpiredException>(() =>
            CollectAsync(client.WatchAsync(ResourceType.ResourceQuotas, null, start.ToString(System.Globalization.CultureInfo.InvariantCulture), Long, TestContext.Current.CancellationToken)));

        var resumable = (bed.Server.ResourceVersion - 3).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var events = await CollectAsync(client.WatchAsync(ResourceType.ResourceQuotas, null, resumable, Short, TestContext.Current.CancellationToken));
        events.Select(e => e.Cpu).ShouldBe(["2", "3", "4"]);
    }

    [Fact]
    public async Task An_HTTP_410_is_WatchExpired_and_other_errors_are_API_errors()
    {
        await using var bed = await KubeTestBed.StartAsync();
        using var client = bed.CreateClient();
        var now = bed.Server.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);

        bed.Server.FailNext(410, 1, "/resourcequotas");
        await Should.ThrowAsync<WatchExpiredException>(() =>
            CollectAsync(client.WatchAsync(ResourceType.ResourceQuotas, null, now, Long, TestContext.Current.CancellationToken)));

        bed.Server.FailNext(403, 1, "/resourcequotas");
        var forbidden = await Should.ThrowAsync<KubernetesApiException>(() =>
            CollectAsync(client.WatchAsync(ResourceType.ResourceQuotas, null, now, Long, TestContext.Current.CancellationToken)));
        forbidden.StatusCode.ShouldBe(403);
        forbidden.Reason.ShouldBe("Forbidden");
    }

    /// <summary>
    /// A connection cut mid-stream surfaces as an <see cref="IOException"/>, never as a clean end the caller would
    /// mistake for the server's timeout: over HTTP/2 an HttpProtocolException (an HttpIOException) for the reset
    /// stream, over HTTP/1.1 the socket's IOException ("Connection reset by peer"). Failing to connect at all, before
    /// the stream opens, is an HttpRequestException.
    /// </summary>
    [Theory]
    [InlineData("HTTP/2")]
    [InlineData("HTTP/1.1")]
    public async Task A_dropped_connection_is_an_IOException(string protocol)
    {
        await using var bed = await KubeTestBed.StartAsync(o => o.Protocols = Protocols(protocol));
        using var client = bed.CreateClient();
        var from = bed.Server.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        bed.Namespace("team-a");
        var watch = client.WatchAsync(ResourceType.Namespaces, null, from, Long, TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        try
        {
            (await watch.MoveNextAsync()).ShouldBeTrue();
            watch.Current.Dispose();
            bed.Server.WatchCount.ShouldBe(1);

            bed.Server.DropWatches();

            var error = await Record.ExceptionAsync(async () => await watch.MoveNextAsync());
            error.ShouldNotBeNull("a dropped watch must not look like the server's clean end");
            error.ShouldBeAssignableTo<IOException>();
        }
        finally
        {
            await watch.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_server_that_cannot_be_reached_is_an_HttpRequestException()
    {
        await using var bed = await KubeTestBed.StartAsync();
        using var client = bed.CreateClient();
        await bed.Server.DisposeAsync();

        await Should.ThrowAsync<HttpRequestException>(() =>
            CollectAsync(client.WatchAsync(ResourceType.Namespaces, null, "1", Long, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task An_API_server_restart_breaks_the_watch_and_forgets_the_history()
    {
        await using var bed = await KubeTestBed.StartAsync();
        using var client = bed.CreateClient();
        var old = bed.Server.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        bed.Namespace("team-a");
        var watch = client.WatchAsync(ResourceType.Namespaces, null, old, Long, TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        try
        {
            (await watch.MoveNextAsync()).ShouldBeTrue();
            var lastSeen = watch.Current.ResourceVersion;
            watch.Current.Dispose();

            await bed.Server.RestartAsync(TimeSpan.FromMilliseconds(100));

            var broken = await Record.ExceptionAsync(async () => await watch.MoveNextAsync());
            broken.ShouldNotBeNull();
            broken.ShouldBeAssignableTo<IOException>();
            await Should.ThrowAsync<WatchExpiredException>(() =>
                CollectAsync(client.WatchAsync(ResourceType.Namespaces, null, old, Long, TestContext.Current.CancellationToken)));

            // Up to date when it broke: the watcher resumes where it was, on the same port, and sees what comes next.
            var resumed = CollectAsync(client.WatchAsync(ResourceType.Namespaces, null, lastSeen, Long, TestContext.Current.CancellationToken), count: 1);
            await Eventually.WithinAsync(TimeSpan.FromSeconds(10), () => bed.Server.WatchCount == 1, "the resumed watch is open");
            bed.Namespace("team-b");
            (await resumed.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).Single().Name.ShouldBe("team-b");
        }
        finally
        {
            await watch.DisposeAsync();
        }
    }

    [Fact]
    public async Task Cancelling_the_caller_stops_the_watch_with_OperationCanceled()
    {
        await using var bed = await KubeTestBed.StartAsync();
        using var client = bed.CreateClient();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var watching = CollectAsync(client.WatchAsync(ResourceType.Namespaces, null, "1", Long, cancel.Token));
        await Eventually.WithinAsync(TimeSpan.FromSeconds(10), () => bed.Server.WatchCount == 1, "the watch is open");

        await cancel.CancelAsync();

        var error = await Record.ExceptionAsync(() => watching);
        error.ShouldNotBeNull();
        error.ShouldBeAssignableTo<OperationCanceledException>();
        await Eventually.WithinAsync(TimeSpan.FromSeconds(10), () => bed.Server.WatchCount == 0, "the server saw the watch go");
    }

    private static HttpProtocols Protocols(string protocol) => protocol == "HTTP/2" ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;

    private static async Task<List<SeenEvent>> CollectAsync(IAsyncEnumerable<WatchEvent> watch, int? count = null)
    {
        var seen = new List<SeenEvent>();
        await foreach (var watchEvent in watch)
        {
            using (watchEvent)
            {
                seen.Add(SeenEvent.From(watchEvent));
            }

            if (seen.Count == count)
            {
                break;
            }
        }

        return seen;
    }

    private sealed record SeenEvent(string Type, string? Name, string ResourceVersion, string? Cpu, string[] MetadataFields)
    {
        public static SeenEvent From(WatchEvent e)
        {
            var metadata = e.Object.GetProperty("metadata");
            var cpu = e.Object.TryGetProperty("spec", out var spec) ? spec.GetProperty("hard").GetProperty("requests.cpu").GetString() : null;
            var name = metadata.TryGetProperty("name", out var n) ? n.GetString() : null;
            return new SeenEvent(e.Type, name, e.ResourceVersion, cpu, [.. metadata.EnumerateObject().Select(p => p.Name)]);
        }
    }
}
