using Microsoft.AspNetCore.Http;

namespace Guardrails.Webhook.Admission;

/// <summary>An already-serialized AdmissionReview response.</summary>
public sealed class AdmissionReviewResult : IResult
{
    private readonly byte[] _body;

    public AdmissionReviewResult(byte[] body)
    {
        _body = body;
    }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json";
        httpContext.Response.ContentLength = _body.Length;
        return httpContext.Response.Body.WriteAsync(_body).AsTask();
    }
}
