using Microsoft.AspNetCore.Http;

namespace Guardrails.Webhook.DryRun;

public sealed class JsonBytesResult : IResult
{
    private readonly byte[] _body;
    private readonly int _status;

    public JsonBytesResult(byte[] body, int status)
    {
        _body = body;
        _status = status;
    }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = _status;
        httpContext.Response.ContentType = "application/json";
        return httpContext.Response.Body.WriteAsync(_body).AsTask();
    }
}
