using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Guardrails.Tests;
using Guardrails.Webhook.Cli;
using Guardrails.Webhook.Tests.Support;
using Guardrails.Webhook.Tests.Support.Fuzz;

namespace Guardrails.Webhook.Tests.Admission;

/// <summary>
/// Over ten thousand mutated recorded bodies at both HTTP doors and at <c>check</c>: every answer is a verdict or a 4xx
/// naming the problem, never a 5xx or a crash; the server (and this process) still answer afterwards, with memory
/// bounded. Seeded, bounded in count, loopback only.
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class FuzzTests : IClassFixture<ServerFixture>
{
    private const int CasesPerDoor = 3400;
    // The test process also hosts every other test class's servers, Roslyn and KubernetesClient (about 550 MiB after
    // the whole suite on 2026-12-01), so the process as a whole is bounded loosely and what the fuzz run itself keeps
    // is bounded tightly: the managed heap that survives a full collection may not grow by more than this.
    private const long MaxResidentBytes = 1024L * 1024 * 1024;
    private const long MaxRetainedHeapGrowthBytes = 200L * 1024 * 1024;
    private readonly ServerFixture _fixture;

    public FuzzTests(ServerFixture fixture)
    {
        _fixture = fixture;
    }

    /// <summary>Whole reviews, and the objects inside them as a developer would send them.</summary>
    private static byte[][] Seeds()
    {
        var reviews = Fixtures.AllReviews().Select(Fixtures.Read).ToList();
        var objects = reviews
            .Select(r => JsonNode.Parse(r)!["request"]?["object"])
            .OfType<JsonObject>()
            .Select(o => Encoding.UTF8.GetBytes(o.ToJsonString()));
        return [.. reviews, .. objects];
    }

    [Fact]
    public async Task Mutated_bodies_never_get_a_5xx_at_either_door_nor_crash_check()
    {
        var reviews = Fixtures.AllReviews().Select(Fixtures.Read).ToArray();
        reviews.Length.ShouldBeGreaterThan(400, "the v1.26 reviews are seeds too");
        var seeds = Seeds();

        // Each case is built from its own seed when it runs, so the test holds no more than the cases in flight.
        const int Seed = 20261201;
        var validate = Enumerable.Range(0, CasesPerDoor).Select(i => (Index: i, Seed: reviews[i % reviews.Length]));
        var evaluate = Enumerable.Range(0, CasesPerDoor).Select(i => (Index: i, Seed: seeds[i % seeds.Length]));
        var check = Enumerable.Range(0, CasesPerDoor).Select(i => (Index: i, Seed: seeds[(i * 7) % seeds.Length]));
        using var client = _fixture.Server.CreateClient();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        using (var start = Process.GetCurrentProcess())
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"working set before: {start.WorkingSet64 / (1024 * 1024)} MiB");
        }

        var outcomes = new int[600];
        var exits = new int[4];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken };

        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(validate, parallel, async (item, ct) =>
        {
            var body = new BodyMutator(Seed + item.Index).Json(item.Seed);
            using var http = await client.PostAsync("/validate?timeout=10s", Fixtures.Json(body), ct);
            await ExpectAnswerAsync(http, body, outcomes, ct, review: true);
        });
        TestContext.Current.TestOutputHelper?.WriteLine($"validate: {clock.Elapsed}");
        await Parallel.ForEachAsync(evaluate, parallel, async (item, ct) =>
        {
            var mutator = new BodyMutator(Seed + CasesPerDoor + item.Index);
            var (body, contentType) = item.Index % 2 == 0
                ? (mutator.Json(item.Seed), "application/json")
                : (Encoding.UTF8.GetBytes(mutator.Yaml(item.Seed)), "application/yaml");
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
            using var http = await client.PostAsync("/api/v1/evaluate", content, ct);
            await ExpectAnswerAsync(http, body, outcomes, ct, review: false);
        });
        TestContext.Current.TestOutputHelper?.WriteLine($"evaluate: {clock.Elapsed}");
        Parallel.ForEach(check, parallel, item =>
        {
            var mutator = new BodyMutator(Seed + (2 * CasesPerDoor) + item.Index);
            var text = item.Index % 2 == 0 ? Encoding.UTF8.GetString(mutator.Json(item.Seed)) : mutator.Yaml(item.Seed);
            var exit = CheckRunner.Run(new CheckOptions(["-"], RepoPaths.Policies, null, "json", null), new StringReader(text), TextWriter.Null, TextWriter.Null);
            exit.ShouldBeInRange(ExitCodes.Allowed, ExitCodes.InvalidInput, text.Length > 2000 ? text[..2000] : text);
            Interlocked.Increment(ref exits[exit]);
        });

        TestContext.Current.TestOutputHelper?.WriteLine($"check: {clock.Elapsed}");
        var peak = Process.GetCurrentProcess().PeakWorkingSet64;
        TestContext.Current.TestOutputHelper?.WriteLine($"peak working set: {peak / (1024 * 1024)} MiB");
        outcomes[200].ShouldBeGreaterThan(0);
        outcomes[400].ShouldBeGreaterThan(0);
        exits[ExitCodes.InvalidInput].ShouldBeGreaterThan(0);
        (exits[ExitCodes.Allowed] + exits[ExitCodes.Denied]).ShouldBeGreaterThan(0);
        using var after = await client.PostAsync("/validate", Fixtures.Json(reviews[0]), TestContext.Current.CancellationToken);
        after.StatusCode.ShouldBe(HttpStatusCode.OK);
        // What stays resident, not garbage not yet collected: every request's buffers are garbage by now.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        TestContext.Current.TestOutputHelper?.WriteLine($"working set after: {process.WorkingSet64 / (1024 * 1024)} MiB");
        process.WorkingSet64.ShouldBeLessThan(MaxResidentBytes, "resident memory after the fuzz run");
        (GC.GetTotalMemory(forceFullCollection: true) - heapBefore).ShouldBeLessThan(MaxRetainedHeapGrowthBytes, "managed heap the fuzz run left reachable");
    }

    private static async Task ExpectAnswerAsync(HttpResponseMessage http, byte[] body, int[] outcomes, CancellationToken ct, bool review)
    {
        var status = (int)http.StatusCode;
        Interlocked.Increment(ref outcomes[status]);
        var text = await http.Content.ReadAsStringAsync(ct);
        status.ShouldBeLessThan(500, $"{text} for body: {Shown(body)}");
        text.Length.ShouldBeLessThan(256 * 1024, $"answer for body: {Shown(body)}");
        var root = JsonNode.Parse(text)!;
        if (status == 200 && review)
        {
            root["response"]!["allowed"].ShouldNotBeNull();
        }
        else if (status is 200 or 400 && root["results"] is not null)
        {
            root["summary"]!["objects"]!.GetValue<int>().ShouldBeGreaterThan(0);
        }
        else
        {
            status.ShouldBeInRange(400, 499);
            root["detail"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        }
    }

    private static string Shown(byte[] body) => Encoding.UTF8.GetString(body.Length > 2000 ? body[..2000] : body);
}
