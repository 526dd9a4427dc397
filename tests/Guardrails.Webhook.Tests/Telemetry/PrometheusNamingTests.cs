using Guardrails.Webhook.Telemetry;

namespace Guardrails.Webhook.Tests.Telemetry;

public sealed class PrometheusNamingTests
{
    [Theory]
    [InlineData("guardrails.requests", "{request}", "Counter", "guardrails_requests_total")]
    [InlineData("guardrails.request.duration", "s", "Histogram", "guardrails_request_duration_seconds")]
    [InlineData("guardrails.packs.loaded", "{pack}", "Gauge", "guardrails_packs_loaded")]
    [InlineData("http.server.request.duration", "s", "Histogram", "http_server_request_duration_seconds")]
    [InlineData("process.cpu.time", "s", "Counter", "process_cpu_time_seconds_total")]
    [InlineData("already_seconds", "s", "Gauge", "already_seconds")]
    [InlineData("already_total", "", "Counter", "already_total")]
    [InlineData("cache.hit", "1", "Gauge", "cache_hit_ratio")]
    [InlineData("cache.hits", "1", "Counter", "cache_hits_total")]
    [InlineData("net.io", "By/s", "Gauge", "net_io_bytes_per_second")]
    [InlineData("jobs", "{job}/h", "Gauge", "jobs_per_hour")]
    [InlineData("size", "MiBy", "Gauge", "size_mebibytes")]
    [InlineData("temp", "Cel", "Gauge", "temp_celsius")]
    [InlineData("odd--name..x", "", "Gauge", "odd_name_x")]
    [InlineData("9lives", "", "Gauge", "_9lives")]
    [InlineData("a:b", "", "Gauge", "a:b")]
    [InlineData("widgets", "widget", "Gauge", "widgets_widget")]
    public void Metric_names_follow_the_otel_to_prometheus_rules(string name, string unit, string type, string expected) =>
        PrometheusNaming.MetricName(name, unit, Enum.Parse<PrometheusType>(type)).ShouldBe(expected);

    [Theory]
    [InlineData("door", "door")]
    [InlineData("k8s.namespace.name", "k8s_namespace_name")]
    [InlineData("1st", "_1st")]
    [InlineData("a:b", "a_b")]
    public void Label_names_are_sanitised(string key, string expected) =>
        PrometheusNaming.LabelName(key).ShouldBe(expected);

    [Theory]
    [InlineData(0.00005, "0.00005")]
    [InlineData(0.0003, "0.0003")]
    [InlineData(0.00025, "0.00025")]
    [InlineData(1e-7, "0.0000001")]
    [InlineData(-1.25e-6, "-0.00000125")]
    [InlineData(0.1, "0.1")]
    [InlineData(2.5, "2.5")]
    [InlineData(10, "10")]
    [InlineData(0, "0")]
    [InlineData(1e16, "10000000000000000")]
    [InlineData(1.5e20, "150000000000000000000")]
    [InlineData(1.5e300, "1.5E+300")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    public void Doubles_are_formatted_invariantly_and_positionally(double value, string expected) =>
        PrometheusNaming.FormatDouble(value).ShouldBe(expected);
}
