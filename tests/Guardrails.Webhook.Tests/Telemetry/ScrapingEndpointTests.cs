using System.Net;
using Guardrails.Webhook.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Tests.Telemetry;

/// <summary>Over real HTTP, on a loopback port of the OS's choosing.</summary>
[Collection(GuardrailsMeterCollection.Name)]
public sealed class ScrapingEndpointTests
{
    private const string DeploymentSeries = "otel_scope_name=\"Guardrails\",door=\"admission\",kind=\"Deployment\",operation=\"validate\",verdict=\"allowed\"";

    [Fact]
    public async Task Get_metrics_serves_recorded_requests_as_prometheus_text()
    {
        await using var app = await StartAsync();
        var metrics = app.Services.GetRequiredService<GuardrailsMetrics>();
        for (var i = 0; i < 3; i++)
        {
            metrics.RecordRequest("admission", "validate", "Deployment", "allowed", TimeSpan.FromMicroseconds(300));
        }

        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        using var response = await client.GetAsync("/metrics", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType.ShouldNotBeNull().ToString()
            .ShouldBe("text/plain; version=0.0.4; charset=utf-8");
        Exposition.Parse(text).ShouldNotBeEmpty();
        var lines = text.Split('\n');
        lines.ShouldContain($"guardrails_requests_total{{{DeploymentSeries}}} 3");
        lines.ShouldContain($"guardrails_request_duration_seconds_bucket{{{DeploymentSeries},le=\"0.00025\"}} 0");
        lines.ShouldContain($"guardrails_request_duration_seconds_bucket{{{DeploymentSeries},le=\"0.0005\"}} 3");
        lines.ShouldContain($"guardrails_request_duration_seconds_bucket{{{DeploymentSeries},le=\"+Inf\"}} 3");
        lines.ShouldContain($"guardrails_request_duration_seconds_sum{{{DeploymentSeries}}} 0.0009");
        lines.ShouldContain($"guardrails_request_duration_seconds_count{{{DeploymentSeries}}} 3");
    }

    [Fact]
    public async Task Twenty_concurrent_scrapes_all_succeed_with_the_same_guardrails_series()
    {
        await using var app = await StartAsync();
        var metrics = app.Services.GetRequiredService<GuardrailsMetrics>();
        metrics.RecordRequest("provisioning", "evaluate", "Namespace", "warned", TimeSpan.FromMilliseconds(7));
        metrics.RecordRequest("provisioning", "evaluate", "Namespace", "warned", TimeSpan.FromMilliseconds(70));
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        var ct = TestContext.Current.CancellationToken;

        var scrapes = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await client.GetAsync("/metrics", ct);
            return (response.StatusCode, Text: await response.Content.ReadAsStringAsync(ct));
        }));

        scrapes.ShouldAllBe(s => s.StatusCode == HttpStatusCode.OK);
        var series = scrapes
            .Select(s => string.Join('\n', s.Text.Split('\n').Where(l => l.Contains("kind=\"Namespace\"", StringComparison.Ordinal))))
            .ToList();
        series[0].ShouldContain("guardrails_requests_total{otel_scope_name=\"Guardrails\",door=\"provisioning\",kind=\"Namespace\",operation=\"evaluate\",verdict=\"warned\"} 2");
        series.Distinct().Count().ShouldBe(1);
        foreach (var scrape in scrapes)
        {
            Exposition.Parse(scrape.Text).ShouldNotBeEmpty();
        }
    }

    [Fact]
    public void Mapping_the_endpoint_without_the_telemetry_services_fails_at_startup()
    {
        var builder = WebApplication.CreateSlimBuilder();
        using var app = builder.Build();

        Should.Throw<InvalidOperationException>(() => app.MapGuardrailsMetrics());
    }

    [Fact]
    public async Task With_OTEL_SDK_DISABLED_the_server_starts_and_a_scrape_says_metrics_are_off()
    {
        await using var app = await StartAsync(name => name == "OTEL_SDK_DISABLED" ? "true" : null);
        app.Services.GetRequiredService<GuardrailsMetrics>().RecordRequest("admission", "validate", "Pod", "allowed", TimeSpan.FromMilliseconds(1));
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        using var response = await client.GetAsync("/metrics", TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("OTEL_SDK_DISABLED=true");
    }

    internal static async Task<WebApplication> StartAsync(Func<string, string?>? environment = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddGuardrailsTelemetry(environment ?? (_ => null));
        var app = builder.Build();
        app.MapGuardrailsMetrics();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }
}
