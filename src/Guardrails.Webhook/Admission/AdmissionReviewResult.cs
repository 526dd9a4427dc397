using Microsoft.AspNetCore.Http;

namespace Guardrails.Webhook.Admission;

/// <summary>The AdmissionReview response, serialized straight into the response pipe.</summary>
public sealed class AdmissionReviewResult : IResult
{
    private readonly string _uid;
    private readonly AdmissionDecision _decision;

    public AdmissionReviewResult(string uid, AdmissionDecision decision)
    {
        _uid = uid;
        _decision = decision;
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json";
        AdmissionResponseWriter.Write(httpContext.Response.BodyWriter, _uid, _decision);
        await httpContext.Response.BodyWriter.FlushAsync(httpContext.RequestAborted).ConfigureAwait(false);
    }
}
