using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Guardrails.Webhook.Cluster.Api;

/// <summary>
/// <see cref="IKubernetesApi"/> over KubernetesClient: its configuration (kubeconfig with exec plugins, client
/// certificates, tokens; in-cluster), transport and generic-object calls do the work. What is left here is the seam the
/// rest of Guardrails calls: raw JSON in and out, one deadline per call, and the API's errors as
/// <see cref="KubernetesApiException"/> / <see cref="WatchExpiredException"/>.
/// </summary>
public sealed class KubernetesClientApi : IKubernetesApi, IDisposable
{
    /// <summary>How long past its own timeout a watch may stay silent before the connection is presumed dead.</summary>
    internal static readonly TimeSpan WatchGrace = TimeSpan.FromSeconds(30);

    private readonly Kubernetes _client;
    private readonly TimeSpan _requestTimeout;
    private readonly ILogger _logger;

    /// <param name="configuration">Used as given, except that its HttpClient timeout is switched off: watches run for minutes, so every call sets its own deadline.</param>
    /// <param name="requestTimeout">How long a call other than a watch may take (30 s when null).</param>
    public KubernetesClientApi(KubernetesClientConfiguration configuration, TimeSpan? requestTimeout = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _requestTimeout = requestTimeout is { } t && t > TimeSpan.Zero ? t : TimeSpan.FromSeconds(30);
        _logger = logger ?? NullLogger.Instance;
        configuration.HttpClientTimeout = Timeout.InfiniteTimeSpan;
        configuration.UserAgent ??= "guardrails";
        if (configuration.SslCaCerts is { Count: > 0 } authorities && !configuration.SkipTlsVerify)
        {
            // The library's own check for a kubeconfig CA accepts a certificate for another host name as long as the chain
            // ends at that CA; kubectl refuses that, and so does Guardrails: this check replaces the library's.
            configuration.SslCaCerts = null;
            var then = configuration.FirstMessageHandlerSetup;
            configuration.FirstMessageHandlerSetup = handler =>
            {
                handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => ServerCertificateCheck.IsTrusted(authorities, certificate, chain, errors);
                then?.Invoke(handler);
            };
        }
        _client = new Kubernetes(configuration);
    }

    public async Task<ObjectList> ListAsync(ResourceType type, string? @namespace, int? limit, string? continueToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (limit is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n, nameof(limit));
        }

        var path = type.CollectionPath(@namespace);
        var continueParameter = string.IsNullOrEmpty(continueToken) ? null : continueToken;
        var document = await CallAsync("GET", path, expiredMeansRelist: true, cancellationToken, token => @namespace is null
            ? _client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<JsonDocument>(type.Group, type.Version, type.Plural, continueParameter: continueParameter, limit: limit, cancellationToken: token)
            : _client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<JsonDocument>(type.Group, type.Version, @namespace, type.Plural, continueParameter: continueParameter, limit: limit, cancellationToken: token)).ConfigureAwait(false);
        try
        {
            return new ObjectList(document);
        }
        catch (JsonException ex)
        {
            document.Dispose();
            throw new KubernetesApiException(200, null, $"GET {path}: not a list: {ex.Message}", ex);
        }
    }

    public async IAsyncEnumerable<WatchEvent> WatchAsync(
        ResourceType type,
        string? @namespace,
        string resourceVersion,
        TimeSpan timeout,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(resourceVersion);
        if (timeout < TimeSpan.FromSeconds(1) || timeout > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "a watch timeout is between 1 second and 1 day");
        }

        var seconds = (int)Math.Ceiling(timeout.TotalSeconds);
        var path = type.CollectionPath(@namespace);

        // The server ends the watch at the timeout; one that stays open well beyond it has lost the connection silently.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(seconds) + WatchGrace);

        // The library hands ERROR events and unreadable lines to onError and reads on; for a cache either means the
        // stream can no longer be trusted, so the watch ends there with the error.
        void OnError(Exception error) => throw WatchError(path, error);
        var events = @namespace is null
            ? _client.CustomObjects.WatchListClusterCustomObjectAsync(type.Group, type.Version, type.Plural, allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: seconds, onError: OnError, cancellationToken: deadline.Token)
            : _client.CustomObjects.WatchListNamespacedCustomObjectAsync(type.Group, type.Version, @namespace, type.Plural, allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: seconds, onError: OnError, cancellationToken: deadline.Token);

        _logger.WatchOpened(path, resourceVersion);
        var count = 0;
        var enumerator = events.GetAsyncEnumerator(deadline.Token);
        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                WatchEvent next;
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    next = ToEvent(path, enumerator.Current);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new IOException($"watch on {path} stayed silent {WatchGrace.TotalSeconds:0} s past its {seconds} s timeout; the connection is presumed dead", ex);
                }
                catch (HttpOperationException ex)
                {
                    throw ToApiError(ex, "GET", path, expiredMeansRelist: true);
                }
                catch (HttpRequestException ex) when (count == 0 && ex.InnerException is EndOfStreamException)
                {
                    // The library peeks at the first line when the watch opens, and a server ending the watch at its
                    // timeout before any event leaves nothing to peek at: that is a clean end, not a failure.
                    break;
                }

                count++;
                yield return next;
            }
        }

        _logger.WatchEnded(path, count);
    }

    public Task<JsonDocument> GetAsync(string path, CancellationToken cancellationToken)
    {
        var target = Object(path);
        return CallAsync("GET", path, expiredMeansRelist: false, cancellationToken, token => target.Namespace is null
            ? _client.CustomObjects.GetClusterCustomObjectWithHttpMessagesAsync<JsonDocument>(target.Group, target.Version, target.Plural, target.RequireName(path), cancellationToken: token)
            : _client.CustomObjects.GetNamespacedCustomObjectWithHttpMessagesAsync<JsonDocument>(target.Group, target.Version, target.Namespace, target.Plural, target.RequireName(path), cancellationToken: token));
    }

    public Task<JsonDocument> PostAsync(string path, JsonElement body, CancellationToken cancellationToken)
    {
        var target = ApiPath.Parse(path);
        if (target.Name is not null)
        {
            throw new ArgumentException($"a create goes to a collection, not to '{path}'", nameof(path));
        }

        return CallAsync("POST", path, expiredMeansRelist: false, cancellationToken, token => target.Namespace is null
            ? _client.CustomObjects.CreateClusterCustomObjectWithHttpMessagesAsync<JsonDocument>(body, target.Group, target.Version, target.Plural, cancellationToken: token)
            : _client.CustomObjects.CreateNamespacedCustomObjectWithHttpMessagesAsync<JsonDocument>(body, target.Group, target.Version, target.Namespace, target.Plural, cancellationToken: token));
    }

    public Task<JsonDocument> PutAsync(string path, JsonElement body, CancellationToken cancellationToken)
    {
        var target = Object(path);
        return CallAsync("PUT", path, expiredMeansRelist: false, cancellationToken, token => target.Namespace is null
            ? _client.CustomObjects.ReplaceClusterCustomObjectWithHttpMessagesAsync<JsonDocument>(body, target.Group, target.Version, target.Plural, target.RequireName(path), cancellationToken: token)
            : _client.CustomObjects.ReplaceNamespacedCustomObjectWithHttpMessagesAsync<JsonDocument>(body, target.Group, target.Version, target.Namespace, target.Plural, target.RequireName(path), cancellationToken: token));
    }

    public Task<JsonDocument> ApplyAsync(string path, JsonElement body, string fieldManager, bool force, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(fieldManager);

        // JSON is YAML, so the apply body needs no conversion.
        return PatchAsync(path, new V1Patch(body.GetRawText(), V1Patch.PatchType.ApplyPatch), fieldManager, force, cancellationToken);
    }

    public Task<JsonDocument> MergePatchAsync(string path, JsonElement patch, string fieldManager, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(fieldManager);
        return PatchAsync(path, new V1Patch(patch.GetRawText(), V1Patch.PatchType.MergePatch), fieldManager, force: null, cancellationToken);
    }

    public Task DeleteAsync(string path, CancellationToken cancellationToken) => DeleteAsync(path, options: null, cancellationToken);

    public Task DeleteAsync(string path, string uid, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(uid);
        return DeleteAsync(path, new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = uid } }, cancellationToken);
    }

    public void Dispose() => _client.Dispose();

    private Task<JsonDocument> PatchAsync(string path, V1Patch patch, string fieldManager, bool? force, CancellationToken cancellationToken)
    {
        var target = ApiPath.Parse(path);
        var name = target.RequireName(path);
        var ops = _client.CustomObjects;
        return (target.Subresource, target.Namespace) switch
        {
            (null, null) => CallAsync("PATCH", path, false, cancellationToken, t => ops.PatchClusterCustomObjectWithHttpMessagesAsync<JsonDocument>(patch, target.Group, target.Version, target.Plural, name, fieldManager: fieldManager, force: force, cancellationToken: t)),
            (null, { } ns) => CallAsync("PATCH", path, false, cancellationToken, t => ops.PatchNamespacedCustomObjectWithHttpMessagesAsync<JsonDocument>(patch, target.Group, target.Version, ns, target.Plural, name, fieldManager: fieldManager, force: force, cancellationToken: t)),
            ("status", null) => CallAsync("PATCH", path, false, cancellationToken, t => ops.PatchClusterCustomObjectStatusWithHttpMessagesAsync<JsonDocument>(patch, target.Group, target.Version, target.Plural, name, fieldManager: fieldManager, force: force, cancellationToken: t)),
            ("status", { } ns) => CallAsync("PATCH", path, false, cancellationToken, t => ops.PatchNamespacedCustomObjectStatusWithHttpMessagesAsync<JsonDocument>(patch, target.Group, target.Version, ns, target.Plural, name, fieldManager: fieldManager, force: force, cancellationToken: t)),
            _ => throw new ArgumentException($"only the status subresource can be patched, not '{path}'", nameof(path)),
        };
    }

    // The answer is the deleted object or a Status, depending on the resource; neither is needed.
    private async Task DeleteAsync(string path, V1DeleteOptions? options, CancellationToken cancellationToken)
    {
        var target = Object(path);
        var name = target.RequireName(path);
        using var answer = await CallAsync("DELETE", path, expiredMeansRelist: false, cancellationToken, token => target.Namespace is null
            ? _client.CustomObjects.DeleteClusterCustomObjectWithHttpMessagesAsync<JsonDocument>(target.Group, target.Version, target.Plural, name, body: options, cancellationToken: token)
            : _client.CustomObjects.DeleteNamespacedCustomObjectWithHttpMessagesAsync<JsonDocument>(target.Group, target.Version, target.Namespace, target.Plural, name, body: options, cancellationToken: token)).ConfigureAwait(false);
    }

    private static ApiPath Object(string path)
    {
        var target = ApiPath.Parse(path);
        return target.Subresource is null ? target : throw new ArgumentException($"'{path}' is a subresource; only its status can be patched", nameof(path));
    }

    private async Task<JsonDocument> CallAsync(string method, string path, bool expiredMeansRelist, CancellationToken cancellationToken, Func<CancellationToken, Task<HttpOperationResponse<JsonDocument>>> call)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_requestTimeout);
        try
        {
            using var response = await call(timeout.Token).ConfigureAwait(false);
            return response.Body ?? throw new KubernetesApiException((int)response.Response.StatusCode, null, $"{method} {path}: the answer has no body");
        }
        catch (HttpOperationException ex)
        {
            var error = ToApiError(ex, method, path, expiredMeansRelist);
            _logger.RequestFailed(method, path, (int)ex.Response.StatusCode, error.Message);
            throw error;
        }
        catch (JsonException ex)
        {
            throw new KubernetesApiException(200, null, $"{method} {path}: the answer is not JSON: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{method} {path}: no answer within {_requestTimeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s", ex);
        }
    }

    private static WatchEvent ToEvent(string path, (WatchEventType Type, object Object) change)
    {
        var type = change.Type switch
        {
            WatchEventType.Added => WatchEvent.Added,
            WatchEventType.Modified => WatchEvent.Modified,
            WatchEventType.Deleted => WatchEvent.Deleted,
            WatchEventType.Bookmark => WatchEvent.Bookmark,
            _ => throw new IOException($"watch on {path} sent an event of type {change.Type}"),
        };
        return change.Object is JsonElement { ValueKind: JsonValueKind.Object } element
            ? new WatchEvent(type, element)
            : throw new IOException($"watch on {path} sent a {type} event without an object");
    }

    /// <summary>What a watch ERROR event or an unreadable line means to the caller; already-translated errors pass through.</summary>
    private static Exception WatchError(string path, Exception error) => error switch
    {
        WatchExpiredException or KubernetesApiException or IOException => error,
        KubernetesException { Status: { } status } => status.Code == (int)HttpStatusCode.Gone
            ? new WatchExpiredException($"watch on {path}: {status.Code} {status.Reason}: {status.Message}")
            : new KubernetesApiException(status.Code ?? 0, string.IsNullOrEmpty(status.Reason) ? null : status.Reason, $"watch on {path}: {status.Code} {status.Reason}: {status.Message}"),
        _ => new IOException($"watch on {path} sent a line that is not a watch event: {error.Message}", error),
    };

    private static Exception ToApiError(HttpOperationException ex, string method, string path, bool expiredMeansRelist)
    {
        var code = (int)ex.Response.StatusCode;
        string? reason = null;
        var message = ex.Response.ReasonPhrase ?? "";
        try
        {
            using var status = JsonDocument.Parse(ex.Response.Content ?? "");
            var root = status.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                reason = root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String && r.GetString() is { Length: > 0 } said0 ? said0 : null;
                message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String && m.GetString() is { Length: > 0 } said ? said : message;
            }
        }
        catch (JsonException)
        {
            // Proxies and load balancers answer in HTML or plain text; the status line still says what happened.
        }

        var text = $"{method} {path}: {code} {reason ?? ex.Response.ReasonPhrase}: {message}";
        return expiredMeansRelist && ex.Response.StatusCode == HttpStatusCode.Gone
            ? new WatchExpiredException(text)
            : new KubernetesApiException(code, reason, text, ex);
    }
}
