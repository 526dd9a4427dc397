using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Cluster.Api;

internal static partial class KubernetesLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Debug, Message = "Watching {Path} from resourceVersion {ResourceVersion}")]
    public static partial void WatchOpened(this ILogger logger, string path, string resourceVersion);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Watch on {Path} ended by the server after {Events} events")]
    public static partial void WatchEnded(this ILogger logger, string path, int events);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "{Method} {Path} answered {StatusCode}: {Message}")]
    public static partial void RequestFailed(this ILogger logger, string method, string path, int statusCode, string message);
}
