using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Guardrails.Webhook.Cluster.Api;

/// <summary>
/// A typed client for the handful of API calls Guardrails makes, over one pooled connection handler. HTTP/2 is preferred
/// so that many watches share a connection and dead connections are noticed by pings; HTTP/1.1 works too.
/// </summary>
public sealed class Kubernetes : IKubernetesApi, IDisposable
{
    /// <summary>How long past its own timeout a watch may stay silent before the connection is presumed dead.</summary>
    internal static readonly TimeSpan WatchGrace = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly string _baseAddress;
    private readonly BearerTokenSource _tokens;
    private readonly TimeSpan _requestTimeout;
    private readonly ILogger _logger;

    public Kubernetes(KubernetesClientConfiguration config, ILogger? logger = null)
        : this(config, logger, TimeProvider.System)
    {
    }

    internal Kubernetes(KubernetesClientConfiguration config, ILogger? logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(time);
        _logger = logger ?? NullLogger.Instance;

        // A server URL with a path (a proxy in front of several clusters) keeps it: API paths are appended, not resolved.
        _baseAddress = config.Host.GetLeftPart(UriPartial.Path).TrimEnd('/');
        _tokens = new BearerTokenSource(config.AccessToken, config.TokenFile, time, _logger);
        _requestTimeout = config.HttpClientTimeout > TimeSpan.Zero ? config.HttpClientTimeout : TimeSpan.FromSeconds(30);
        _http = new HttpClient(CreateHandler(config), disposeHandler: true)
        {
            // Watches run for minutes; every call sets its own deadline instead.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task<ObjectList> ListAsync(ResourceType type, string? @namespace, int? limit, string? continueToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(type);
        var query = new List<string>(2);
        if (limit is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n, nameof(limit));
            query.Add("limit=" + n.ToString(CultureInfo.InvariantCulture));
        }

        if (!string.IsNullOrEmpty(continueToken))
        {
            query.Add("continue=" + Uri.EscapeDataString(continueToken));
        }

        var path = WithQuery(type.CollectionPath(@namespace), query);
        var document = await SendForJsonAsync(HttpMethod.Get, path, content: null, expiredMeansRelist: true, cancellationToken).ConfigureAwait(false);
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

        var seconds = (long)Math.Ceiling(timeout.TotalSeconds);
        var path = WithQuery(type.CollectionPath(@namespace), [
            "watch=true",
            "resourceVersion=" + Uri.EscapeDataString(resourceVersion),
            "allowWatchBookmarks=true",
            "timeoutSeconds=" + seconds.ToString(CultureInfo.InvariantCulture),
        ]);

        // The server ends the watch at the timeout; one that stays open well beyond it has lost the connection silently.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(seconds) + WatchGrace);

        var stream = await OpenWatchAsync(path, deadline, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            _logger.WatchOpened(path, resourceVersion);
            var events = 0;
            while (await NextEventAsync(stream, path, deadline, cancellationToken).ConfigureAwait(false) is { } watchEvent)
            {
                events++;
                yield return watchEvent;
            }

            _logger.WatchEnded(path, events);
        }
    }

    public Task<JsonDocument> GetAsync(string path, CancellationToken cancellationToken) =>
        SendForJsonAsync(HttpMethod.Get, CheckPath(path), content: null, expiredMeansRelist: false, cancellationToken);

    public Task<JsonDocument> PostAsync(string path, JsonElement body, CancellationToken cancellationToken)
    {
        var bytes = ToUtf8(body);
        return SendForJsonAsync(HttpMethod.Post, CheckPath(path), () => JsonContent(bytes, "application/json"), expiredMeansRelist: false, cancellationToken);
    }

    public Task<JsonDocument> PutAsync(string path, JsonElement body, CancellationToken cancellationToken)
    {
        var bytes = ToUtf8(body);
        return SendForJsonAsync(HttpMethod.Put, CheckPath(path), () => JsonContent(bytes, "application/json"), expiredMeansRelist: false, cancellationToken);
    }

    public Task<JsonDocument> ApplyAsync(string path, JsonElement body, string fieldManager, bool force, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(fieldManager);
        var bytes = ToUtf8(body);
        var target = WithQuery(CheckPath(path), ["fieldManager=" + Uri.EscapeDataString(fieldManager), "force=" + (force ? "true" : "false")]);

        // JSON is YAML, so the apply body needs no conversion.
        return SendForJsonAsync(HttpMethod.Patch, target, () => JsonContent(bytes, "application/apply-patch+yaml"), expiredMeansRelist: false, cancellationToken);
    }

    public Task<JsonDocument> MergePatchAsync(string path, JsonElement patch, string fieldManager, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(fieldManager);
        var bytes = ToUtf8(patch);
        var target = WithQuery(CheckPath(path), ["fieldManager=" + Uri.EscapeDataString(fieldManager)]);
        return SendForJsonAsync(HttpMethod.Patch, target, () => JsonContent(bytes, "application/merge-patch+json"), expiredMeansRelist: false, cancellationToken);
    }

    public Task DeleteAsync(string path, CancellationToken cancellationToken) =>
        SendDeleteAsync(path, content: null, cancellationToken);

    public Task DeleteAsync(string path, string uid, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(uid);
        var bytes = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "DeleteOptions",
            ["preconditions"] = new JsonObject { ["uid"] = uid },
        }.ToJsonString());
        return SendDeleteAsync(path, () => JsonContent(bytes, "application/json"), cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    // The answer is the deleted object or a Status, depending on the resource; neither is needed, so neither is parsed.
    private Task SendDeleteAsync(string path, Func<HttpContent>? content, CancellationToken cancellationToken) =>
        SendCheckedAsync(HttpMethod.Delete, CheckPath(path), content, expiredMeansRelist: false, (_, _) => Task.FromResult(true), cancellationToken);

    private static SocketsHttpHandler CreateHandler(KubernetesClientConfiguration config)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),

            // Re-resolves the API server's name now and then, so a moved endpoint is picked up without a restart.
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(15),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            AutomaticDecompression = DecompressionMethods.GZip,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
        };

        var cas = config.SslCaCerts is { Count: > 0 } collection ? collection.Cast<X509Certificate2>().ToArray() : null;
        var skip = config.SkipTlsVerify;
        handler.SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) => ServerIsTrusted(skip, cas, certificate, chain, errors),
        };

        if (config.ClientCertificate is { } clientCertificate)
        {
            if (!clientCertificate.HasPrivateKey)
            {
                throw new KubeConfigException($"client certificate {clientCertificate.Subject} ({clientCertificate.Thumbprint}) has no private key");
            }

            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return handler;
    }

    /// <summary>
    /// With CAs from the kubeconfig only those are trusted (as kubectl does), never the machine's store; the host name
    /// must match either way.
    /// </summary>
    private static bool ServerIsTrusted(bool skip, X509Certificate2[]? cas, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (skip)
        {
            return true;
        }

        if (cas is null)
        {
            return errors == SslPolicyErrors.None;
        }

        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(cas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        if (presented is not null)
        {
            // Intermediates the server sent, so a CA file holding only the root is enough.
            foreach (var element in presented.ChainElements.Skip(1))
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        try
        {
            return chain.Build(leaf);
        }
        finally
        {
            if (!ReferenceEquals(leaf, certificate))
            {
                leaf.Dispose();
            }
        }
    }

    private async Task<WatchStream> OpenWatchAsync(string path, CancellationTokenSource deadline, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await SendAsync(HttpMethod.Get, path, content: null, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"GET {path}: no answer before the watch's own deadline", ex);
        }

        try
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await StatusErrors.FromResponseAsync(response, "GET", path, expiredMeansRelist: true, deadline.Token).ConfigureAwait(false);
            }

            return await WatchStream.OpenAsync(response, path, deadline.Token).ConfigureAwait(false);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static async Task<WatchEvent?> NextEventAsync(WatchStream stream, string path, CancellationTokenSource deadline, CancellationToken cancellationToken)
    {
        try
        {
            return await stream.ReadAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"watch on {path} stayed open {WatchGrace.TotalSeconds:0} s past its timeout; the connection is presumed dead", ex);
        }
    }

    private Task<JsonDocument> SendForJsonAsync(HttpMethod method, string path, Func<HttpContent>? content, bool expiredMeansRelist, CancellationToken cancellationToken) =>
        SendCheckedAsync(method, path, content, expiredMeansRelist, (response, token) => ReadJsonAsync(response, method, path, token), cancellationToken);

    /// <summary>One call under the request timeout: non-2xx answers become exceptions, 2xx ones are read by <paramref name="read"/>.</summary>
    private async Task<T> SendCheckedAsync<T>(
        HttpMethod method,
        string path,
        Func<HttpContent>? content,
        bool expiredMeansRelist,
        Func<HttpResponseMessage, CancellationToken, Task<T>> read,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_requestTimeout);
        try
        {
            using var response = await SendAsync(method, path, content, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var error = await StatusErrors.FromResponseAsync(response, method.Method, path, expiredMeansRelist, timeout.Token).ConfigureAwait(false);
                _logger.RequestFailed(method.Method, path, (int)response.StatusCode, error.Message);
                throw error;
            }

            return await read(response, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{method.Method} {path}: no answer within {_requestTimeout.TotalSeconds:0.#} s", ex);
        }
    }

    private static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, HttpMethod method, string path, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            try
            {
                return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException ex)
            {
                throw new KubernetesApiException((int)response.StatusCode, null, $"{method.Method} {path}: the answer is not JSON: {ex.Message}", ex);
            }
        }
    }

    /// <summary>Sends with the current token; a 401 after the token file changed is retried once with the new token.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, Func<HttpContent>? content, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var token = _tokens.Current();
        var response = await SendOnceAsync(method, path, content, token, completion, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !_tokens.RefreshAfterUnauthorized(token))
        {
            return response;
        }

        response.Dispose();
        _logger.RetryingWithNewToken(method.Method, path, _tokens.TokenFile!);
        return await SendOnceAsync(method, path, content, _tokens.Current(), completion, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, string path, Func<HttpContent>? content, string? token, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        // HttpClient's default version only applies to its convenience methods, not to messages built here.
        using var request = new HttpRequestMessage(method, new Uri(_baseAddress + path, UriKind.Absolute))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        request.Headers.TryAddWithoutValidation("User-Agent", "guardrails");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        request.Content = content?.Invoke();
        return await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
    }

    private static ByteArrayContent JsonContent(byte[] bytes, string mediaType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    private static byte[] ToUtf8(JsonElement body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            body.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string CheckPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return path.StartsWith('/') ? path : throw new ArgumentException($"an API path starts with '/': '{path}'", nameof(path));
    }

    private static string WithQuery(string path, IReadOnlyCollection<string> parameters) =>
        parameters.Count == 0 ? path : path + (path.Contains('?', StringComparison.Ordinal) ? '&' : '?') + string.Join('&', parameters);
}
