using System.Diagnostics;
using System.Diagnostics.Metrics;
using Guardrails.Webhook.Telemetry;

namespace Guardrails.Webhook.Tests.Telemetry;

[Collection(GuardrailsMeterCollection.Name)]
public sealed class PrometheusTextExporterTests
{
    [Fact]
    public async Task A_counter_is_exposed_with_total_suffix_help_type_and_sorted_labels()
    {
        using var harness = new PrometheusHarness();
        var counter = harness.Meter.CreateCounter<long>("test.requests", "{request}", "Requests handled.");
        counter.Add(2, new TagList { { "verdict", "allowed" }, { "door", "admission" } });
        counter.Add(1, new TagList { { "verdict", "allowed" }, { "door", "admission" } });
        counter.Add(5, new TagList { { "verdict", "denied" }, { "door", "dryrun" } });

        var text = await harness.ScrapeAsync();

        text.ShouldBe(
            "# HELP test_requests_total Requests handled.\n" +
            "# TYPE test_requests_total counter\n" +
            "test_requests_total{door=\"admission\",verdict=\"allowed\"} 3\n" +
            "test_requests_total{door=\"dryrun\",verdict=\"denied\"} 5\n",
            ignoreOrder: false);
    }

    [Fact]
    public async Task A_histogram_has_cumulative_buckets_ending_in_inf_then_sum_and_count()
    {
        using var harness = new PrometheusHarness();
        var histogram = harness.Meter.CreateHistogram(
            "test.latency",
            unit: "s",
            description: "Latency.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00005, 1, 2.5] });
        foreach (var value in new[] { 0, 0.5, 2, 2, 7 })
        {
            histogram.Record(value, new KeyValuePair<string, object?>("door", "admission"));
        }

        var text = await harness.ScrapeAsync();

        text.ShouldBe(
            "# HELP test_latency_seconds Latency.\n" +
            "# TYPE test_latency_seconds histogram\n" +
            "test_latency_seconds_bucket{door=\"admission\",le=\"0.00005\"} 1\n" +
            "test_latency_seconds_bucket{door=\"admission\",le=\"1\"} 2\n" +
            "test_latency_seconds_bucket{door=\"admission\",le=\"2.5\"} 4\n" +
            "test_latency_seconds_bucket{door=\"admission\",le=\"+Inf\"} 5\n" +
            "test_latency_seconds_sum{door=\"admission\"} 11.5\n" +
            "test_latency_seconds_count{door=\"admission\"} 5\n");
    }

    [Fact]
    public async Task Label_values_escape_backslash_quote_and_newline()
    {
        using var harness = new PrometheusHarness();
        var counter = harness.Meter.CreateCounter<long>("test.escapes");
        counter.Add(1, new KeyValuePair<string, object?>("path", "C:\\dir \"quoted\"\nnext"));

        var lines = await harness.ScrapeLinesAsync();

        lines.ShouldContain("test_escapes_total{path=\"C:\\\\dir \\\"quoted\\\"\\nnext\"} 1");
        Exposition.Parse(string.Join('\n', lines)).Single().Labels["path"].ShouldBe("C:\\dir \"quoted\"\nnext");
    }

    [Fact]
    public async Task Help_text_escapes_backslash_and_newline()
    {
        using var harness = new PrometheusHarness();
        harness.Meter.CreateCounter<long>("test.help", description: "first line\nsecond \\ line").Add(1);

        var lines = await harness.ScrapeLinesAsync();

        lines.ShouldContain("# HELP test_help_total first line\\nsecond \\\\ line");
    }

    [Fact]
    public async Task Names_and_label_keys_are_sanitised_and_unit_annotations_dropped()
    {
        using var harness = new PrometheusHarness();
        var upDown = harness.Meter.CreateUpDownCounter<int>("http.server.active-requests", "{request}");
        upDown.Add(4, new TagList { { "k8s.namespace.name", "team-a" }, { "url/scheme", "https" } });
        upDown.Add(-1, new TagList { { "k8s.namespace.name", "team-a" }, { "url/scheme", "https" } });

        var lines = await harness.ScrapeLinesAsync();

        lines.ShouldContain("# TYPE http_server_active_requests gauge");
        lines.ShouldContain("http_server_active_requests{k8s_namespace_name=\"team-a\",url_scheme=\"https\"} 3");
    }

    [Fact]
    public async Task Label_keys_that_sanitise_alike_are_merged_into_one_label()
    {
        using var harness = new PrometheusHarness();
        harness.Meter.CreateCounter<long>("test.merged")
            .Add(1, new TagList { { "k8s_pod", "b" }, { "k8s.pod", "a" }, { "zone", "z" } });

        var lines = await harness.ScrapeLinesAsync();

        lines.ShouldContain("test_merged_total{k8s_pod=\"a;b\",zone=\"z\"} 1");
    }

    [Fact]
    public async Task Gauges_and_double_counters_are_exposed_with_invariant_numbers()
    {
        using var harness = new PrometheusHarness();
        harness.Meter.CreateObservableGauge("test.queue.fill", () => 0.25, unit: "1");
        harness.Meter.CreateObservableGauge("test.packs", () => 7, unit: "{pack}");
        harness.Meter.CreateCounter<double>("test.transferred", unit: "By").Add(1234.5);
        harness.Meter.CreateCounter<long>("test.bytes", unit: "By").Add(3);

        var lines = await harness.ScrapeLinesAsync();

        lines.ShouldContain("# TYPE test_queue_fill_ratio gauge");
        lines.ShouldContain("test_queue_fill_ratio 0.25");
        lines.ShouldContain("# TYPE test_packs gauge");
        lines.ShouldContain("test_packs 7");
        lines.ShouldContain("test_transferred_bytes_total 1234.5");
        lines.ShouldContain("test_bytes_total 3");
    }

    [Fact]
    public async Task Counters_are_cumulative_across_scrapes()
    {
        using var harness = new PrometheusHarness();
        var counter = harness.Meter.CreateCounter<long>("test.events");
        counter.Add(2);
        (await harness.ScrapeLinesAsync()).ShouldContain("test_events_total 2");

        counter.Add(3);

        (await harness.ScrapeLinesAsync()).ShouldContain("test_events_total 5");
    }

    [Fact]
    public async Task An_instrument_without_measurements_is_left_out()
    {
        using var harness = new PrometheusHarness();
        harness.Meter.CreateCounter<long>("test.silent", description: "Never incremented.");

        (await harness.ScrapeAsync()).ShouldBe(string.Empty);
    }

    [Fact]
    public async Task Every_line_of_a_mixed_scrape_follows_the_exposition_grammar()
    {
        using var harness = new PrometheusHarness();
        harness.Meter.CreateCounter<long>("test.a", "{thing}", "A \\ counter\nwith two lines.")
            .Add(1, new KeyValuePair<string, object?>("odd key!", "va\"l\\ue\n"));
        harness.Meter.CreateCounter<double>("test.b", "ms").Add(0.1);
        harness.Meter.CreateUpDownCounter<long>("test.c", "By").Add(-3);
        harness.Meter.CreateHistogram<double>("test.d", "s").Record(double.Epsilon, new KeyValuePair<string, object?>("n", 12));
        harness.Meter.CreateHistogram<long>("test.e", "By/s").Record(1_000_000);
        harness.Meter.CreateObservableGauge("test.f", () => double.NaN);
        harness.Meter.CreateObservableUpDownCounter("test.g", () => 1e21, "%");

        var text = await harness.ScrapeAsync();
        var samples = Exposition.Parse(text);

        samples.Select(s => s.Family).Distinct().ShouldBe(
            [
                "test_a_total",
                "test_b_milliseconds_total",
                "test_c_bytes",
                "test_d_seconds",
                "test_e_bytes_per_second",
                "test_f",
                "test_g_percent",
            ],
            ignoreOrder: true);
        samples.Single(s => s.Family == "test_a_total").Labels["odd_key_"].ShouldBe("va\"l\\ue\n");
        samples.Single(s => s.Name == "test_f").Value.ShouldBe("NaN");
        samples.Single(s => s.Name == "test_g_percent").Value.ShouldBe("1000000000000000000000");
        samples.Single(s => s.Name == "test_d_seconds_sum").Value.ShouldBe("5E-324");
    }

    [Fact]
    public async Task Streams_sharing_a_prometheus_name_are_declared_once_and_kept_together()
    {
        using var harness = new PrometheusHarness();
        harness.Meter.CreateCounter<long>("test.hits", description: "First.").Add(1, new KeyValuePair<string, object?>("a", "1"));
        harness.Meter.CreateObservableGauge("test.other", () => 2);
        harness.Meter.CreateCounter<long>("test_hits", description: "Second.").Add(5, new KeyValuePair<string, object?>("a", "2"));
        harness.Meter.CreateObservableGauge("test.hits.total", () => 9);

        var text = await harness.ScrapeAsync();

        Exposition.Parse(text);
        text.ShouldBe(
            "# HELP test_hits_total First.\n" +
            "# TYPE test_hits_total counter\n" +
            "test_hits_total{a=\"1\"} 1\n" +
            "test_hits_total{a=\"2\"} 5\n" +
            "# TYPE test_other gauge\n" +
            "test_other 2\n");
    }

    [Fact]
    public async Task A_scrape_waiting_longer_than_the_timeout_for_another_fails_instead_of_piling_up()
    {
        using var harness = new PrometheusHarness(TimeSpan.FromMilliseconds(300));
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var first = 0;
        harness.Meter.CreateObservableGauge("test.slow", () =>
        {
            if (Interlocked.Exchange(ref first, 1) == 0)
            {
                entered.Set();
                release.Wait(TimeSpan.FromSeconds(10));

                // Overrun clearly: released right at the 300 ms mark, the collection could otherwise measure 299 ms.
                Thread.Sleep(200);
            }

            return 1;
        });
        var ct = TestContext.Current.CancellationToken;

        var stuck = Task.Run(() => harness.Exporter.ScrapeAsync(ct), ct);
        entered.Wait(TimeSpan.FromSeconds(10), ct).ShouldBeTrue();
        var waiting = await harness.Exporter.ScrapeAsync(ct);
        release.Set();
        var overran = await stuck;

        waiting.ShouldBeNull();
        overran.ShouldBeNull("the collection itself took longer than the timeout");
        (await harness.ScrapeLinesAsync()).ShouldContain("test_slow 1");
    }

    [Fact]
    public async Task A_disposed_provider_no_longer_scrapes()
    {
        var harness = new PrometheusHarness();
        harness.Meter.CreateCounter<long>("test.gone").Add(1);
        harness.Dispose();

        (await harness.Exporter.ScrapeAsync(TestContext.Current.CancellationToken)).ShouldBeNull();
    }
}
