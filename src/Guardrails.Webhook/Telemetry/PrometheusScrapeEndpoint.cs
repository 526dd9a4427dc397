using Microsoft.AspNetCore.Http;

namespace Guardrails.Webhook.Telemetry;

/// <summary>Serves one exporter's rendering over HTTP.</summary>
internal sealed class PrometheusScrapeEndpoint
{
    private readonly PrometheusTextExporter _exporter;

    public PrometheusScrapeEndpoint(PrometheusTextExporter exporter)
    {
        _exporter = exporter;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var body = await _exporter.ScrapeAsync(context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            // Retryable by design: Prometheus marks the target down for this scrape and tries again next interval.
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = PrometheusTextSerializer.ContentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
