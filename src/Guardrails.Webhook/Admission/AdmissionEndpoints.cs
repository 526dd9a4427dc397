using Guardrails.Webhook.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Guardrails.Webhook.Admission;

public static class AdmissionEndpoints
{
    // No .Accepts(): its content-type matching would answer a wrong Content-Type with a bare 415 before the handler
    // could say what was expected.
    private const string RequestShape = "Body: an admission.k8s.io/v1 AdmissionReview (Content-Type: application/json). "
        + "Query: timeout (the apiserver's, e.g. 10s). Errors: 400 malformed review, 413 body over --max-body-bytes, 415 wrong Content-Type.";

    public static IEndpointRouteBuilder MapAdmission(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("").WithTags("Admission");
        group.MapPost("/validate", (HttpContext context, AdmissionPipeline pipeline, ServeOptions options) =>
                Handle(context, pipeline.Validate, AdmissionOperationKind.Validate, options))
            .WithSummary("ValidatingWebhook: AdmissionReview in, allowed or denied with every violation out")
            .WithDescription(RequestShape);
        group.MapPost("/mutate", (HttpContext context, AdmissionPipeline pipeline, ServeOptions options) =>
                Handle(context, pipeline.Mutate, AdmissionOperationKind.Mutate, options))
            .WithSummary("MutatingWebhook: AdmissionReview in, a JSONPatch of defaults out when something changes")
            .WithDescription(RequestShape);
        return endpoints;
    }

    internal static async Task<Results<AdmissionReviewResult, ProblemHttpResult>> Handle(HttpContext context, AdmissionHandler handler, AdmissionOperationKind operation, ServeOptions options)
    {
        if (!IsJson(context.Request.ContentType))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type", $"Content-Type must be application/json, not '{context.Request.ContentType ?? "(none)"}'");
        }

        RequestBody body;
        try
        {
            body = await RequestBody.ReadAsync(context.Request, options.MaxRequestBodyBytes, context.RequestAborted).ConfigureAwait(false);
        }
        catch (RequestTooLargeException ex)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Request body too large", ex.Message);
        }

        using var lease = body;
        AdmissionReview review;
        try
        {
            review = AdmissionReviewReader.Read(body.Memory);
        }
        catch (AdmissionReviewException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid AdmissionReview", ex.Message);
        }

        using (review)
        {
            var deadline = ApiTimeout.Deadline(context.Request.Query["timeout"], options.DefaultAdmissionTimeout);
            var decision = await handler(new AdmissionCall(review, operation, deadline, context.RequestAborted)).ConfigureAwait(false);
            return new AdmissionReviewResult(review.Uid, decision);
        }
    }

    internal static bool IsJson(string? contentType) =>
        contentType is not null
        && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && contentType.Contains("+json", StringComparison.OrdinalIgnoreCase));

    internal static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);
}
