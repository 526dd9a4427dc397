using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Guardrails.Webhook.Admission;

/// <summary>The AdmissionReview response, serialized once and written with a Content-Length.</summary>
public sealed class AdmissionReviewResult : IResult
{
    // Reused per thread: serializing and copying into the pipe happen synchronously, before the first await,
    // so no other request can touch it in between. A Content-Length keeps HTTP/1.1 responses unchunked.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    private readonly string _uid;
    private readonly AdmissionDecision _decision;

    public AdmissionReviewResult(string uid, AdmissionDecision decision)
    {
        _uid = uid;
        _decision = decision;
    }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        AdmissionResponseWriter.Write(buffer, _uid, _decision);

        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        var body = response.BodyWriter;
        buffer.WrittenSpan.CopyTo(body.GetSpan(buffer.WrittenCount));
        body.Advance(buffer.WrittenCount);
        if (buffer.Capacity > 1024 * 1024)
        {
            // One huge response must not pin a megabyte per thread forever.
            _buffer = null;
        }

        return body.FlushAsync(httpContext.RequestAborted).AsTask();
    }
}
