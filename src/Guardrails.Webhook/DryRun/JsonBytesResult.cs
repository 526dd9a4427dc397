using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Guardrails.Webhook.DryRun;

/// <summary>Pre-serialized JSON with a status code; the status is readable so endpoint filters can count outcomes.</summary>
public sealed class JsonBytesResult : IResult, IStatusCodeHttpResult
{
    private readonly byte[] _body;
    private readonly int _status;

    public JsonBytesResult(byte[] body, int status)
    {
        _body = body;
        _status = status;
    }

    public int? StatusCode => _status;

    /// <summary>The answer's bytes (benchmarks and tests read them without executing the result).</summary>
    internal byte[] Body => _body;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = _status;
        httpContext.Response.ContentType = "application/json";
        return httpContext.Response.Body.WriteAsync(_body).AsTask();
    }
}
