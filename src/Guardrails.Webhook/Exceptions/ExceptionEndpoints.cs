using Guardrails.Policies.Exceptions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Guardrails.Webhook.Exceptions;

public static class ExceptionEndpoints
{
    public static IEndpointRouteBuilder MapExceptions(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").WithTags("Exceptions");
        api.MapGet("/exceptions", List)
            .WithSummary("Every PolicyException Guardrails knows, judged now: state, reasons, requester, approver and time left")
            .WithDescription("Query: namespace (only that namespace's), state (Active, PendingApproval, Expired or Rejected).")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return endpoints;
    }

    internal static Results<Ok<ExceptionListResponse>, ProblemHttpResult> List(ExceptionStatusBoard board, string? @namespace, string? state)
    {
        ExceptionState? wanted = null;
        if (state is not null)
        {
            if (!Enum.TryParse<ExceptionState>(state, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return TypedResults.Problem(detail: $"state must be one of {string.Join(", ", Enum.GetNames<ExceptionState>())}, not '{Hosting.TextLimit.Cut(state, 50)}'", statusCode: StatusCodes.Status400BadRequest, title: "Invalid state");
            }

            wanted = parsed;
        }

        var now = board.Now;
        var items = board.Judge(now)
            .Where(e => @namespace is null || e.Exception.Namespace == @namespace)
            .Where(e => wanted is null || e.Judgement.State == wanted)
            .Select(e => new ExceptionListItem(
                e.Exception.Namespace,
                e.Exception.Name,
                e.Exception.Rule,
                e.Exception.Target,
                e.Judgement.State.ToString(),
                e.Judgement.Reasons,
                e.Exception.Reason,
                e.Exception.Ticket,
                e.Exception.RequestedBy,
                e.Exception.ApprovedBy,
                e.Exception.Expires,
                (long)e.TimeLeft.TotalSeconds))
            .ToList();
        return TypedResults.Ok(new ExceptionListResponse(now, items.Count, items));
    }
}
