using Microsoft.AspNetCore.Http;

namespace Guardrails.Webhook.Hosting;

/// <summary>Reads a request body whole, refusing more than the configured limit without buffering it all first.</summary>
public static class RequestBody
{
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            throw new RequestTooLargeException(limit);
        }

        var initial = request.ContentLength is { } length and > 0 ? (int)length : 4096;
        using var buffer = new MemoryStream(initial);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new RequestTooLargeException(limit);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
