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

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "Bearer token changed in {TokenFile}; using the new one")]
    public static partial void TokenReloaded(this ILogger logger, string tokenFile);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Cannot re-read the token file {TokenFile}, keeping the previous token: {Problem}")]
    public static partial void TokenReloadFailed(this ILogger logger, string tokenFile, string problem);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information, Message = "{Method} {Path} was refused with 401; retrying once with the token now in {TokenFile}")]
    public static partial void RetryingWithNewToken(this ILogger logger, string method, string path, string tokenFile);
}
