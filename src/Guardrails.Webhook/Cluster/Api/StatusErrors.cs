using System.Net;
using System.Text.Json;

namespace Guardrails.Webhook.Cluster.Api;

/// <summary>Turns a Kubernetes <c>Status</c> (an error body or a watch ERROR object) into the exception callers catch.</summary>
internal static class StatusErrors
{
    private const int MaxErrorBodyBytes = 64 * 1024;

    public static Exception FromWatchError(string path, JsonElement status)
    {
        var (code, reason, message) = Read(status);
        var text = $"watch on {path}: {code} {reason}: {message}";
        return code == (int)HttpStatusCode.Gone ? new WatchExpiredException(text) : new KubernetesApiException(code, reason, text);
    }

    public static async Task<Exception> FromResponseAsync(HttpResponseMessage response, string method, string path, bool expiredMeansRelist, CancellationToken cancellationToken)
    {
        var code = (int)response.StatusCode;
        string? reason = null;
        var message = response.ReasonPhrase ?? "";
        try
        {
            var body = await ReadBoundedAsync(response, cancellationToken).ConfigureAwait(false);
            using var document = JsonDocument.Parse(body);
            var (_, statusReason, statusMessage) = Read(document.RootElement);
            reason = statusReason;
            message = statusMessage.Length > 0 ? statusMessage : message;
        }
        catch (Exception ex) when (ex is JsonException or IOException or HttpRequestException)
        {
            // Proxies and load balancers answer in HTML or plain text; the status line still says what happened.
        }

        var text = $"{method} {path}: {code} {reason ?? response.ReasonPhrase}: {message}";
        return expiredMeansRelist && response.StatusCode == HttpStatusCode.Gone
            ? new WatchExpiredException(text)
            : new KubernetesApiException(code, reason, text);
    }

    private static (int Code, string? Reason, string Message) Read(JsonElement status)
    {
        if (status.ValueKind != JsonValueKind.Object)
        {
            return (0, null, status.ToString());
        }

        var code = status.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) ? n : 0;
        var reason = status.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        var message = status.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
        return (code, string.IsNullOrEmpty(reason) ? null : reason, message);
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxErrorBodyBytes];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            return buffer[..total];
        }
    }
}
