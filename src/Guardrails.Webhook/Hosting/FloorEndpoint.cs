using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Guardrails.Webhook.Hosting;

/// <summary>
/// Benchmark floor: the same server, TLS and body read, then a fixed allowed AdmissionReview without parsing or
/// judging anything. The load benchmark compares /validate against it. Off unless asked for.
/// </summary>
public static class FloorEndpoint
{
    private static readonly byte[] Allowed = Encoding.UTF8.GetBytes(
        """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"floor","allowed":true}}""");

    public static IEndpointRouteBuilder MapFloor(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/floor", async (HttpContext context, ServeOptions options) =>
        {
            using var body = await RequestBody.ReadAsync(context.Request, options.MaxRequestBodyBytes, context.RequestAborted).ConfigureAwait(false);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = Allowed.Length;
            await context.Response.Body.WriteAsync(Allowed, context.RequestAborted).ConfigureAwait(false);
        }).ExcludeFromDescription();
        return endpoints;
    }
}
