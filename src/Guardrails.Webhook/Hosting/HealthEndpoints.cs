using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Provisioning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Guardrails.Webhook.Hosting;

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("").WithTags("Health");
        group.MapGet("/healthz", () => TypedResults.Text("ok")).WithSummary("Liveness: the process serves requests");
        group.MapGet("/readyz", Ready).WithSummary("Readiness: a valid policy is loaded and cluster state is synced");
        return endpoints;
    }

    internal static Results<ContentHttpResult, ProblemHttpResult> Ready(PolicyStore policies, IClusterStateSource cluster, IServiceProvider services)
    {
        // A missing Lease namespace stalls provisioning without any other sign: say which one, and how to fix it.
        if (services.GetService<LeaderElector>()?.Blocked is { } blocked)
        {
            return TypedResults.Problem($"provisioning: {blocked}", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (policies.Current is null)
        {
            return TypedResults.Problem("no valid rule packs loaded", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (!cluster.IsSynced)
        {
            return TypedResults.Problem("cluster state caches have not synced yet", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        StartupTimeline.MarkOnce("first-ready-handled");
        return TypedResults.Text("ready");
    }
}
