using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Tests.Support.FakeKube;

/// <summary>
/// An in-memory Kubernetes API server on a loopback HTTPS port, with the list and watch semantics informers rely on
/// (global resourceVersion, paging with continue, watch resume from a version, 410 when history is gone, bookmarks,
/// timeouts) and controls to break it on purpose.
/// </summary>
internal sealed class FakeKubeApiServer : IAsyncDisposable
{
    private const int RequestLogLimit = 10_000;

    private readonly FakeKubeOptions _options;
    private readonly FakeKubeStore _store;
    private readonly FakeKubeHandler _handler;
    private readonly X509Certificate2 _serverCertificate;
    private readonly bool _ownsCertificates;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Lock _failureGate = new();
    private readonly List<FailureRule> _failures = [];
    private WebApplication? _app;
    private int _port;
    private bool _disposed;

    private FakeKubeApiServer(FakeKubeOptions options)
    {
        _options = options;
        _store = new FakeKubeStore(options.HistoryLimit, options.MaxObjects, options.Time);
        _handler = new FakeKubeHandler(this, _store, options);
        if (options.ServerCertificate is { } certificate)
        {
            _serverCertificate = certificate;
            Ca = options.ServerCa ?? certificate;
        }
        else
        {
            Ca = FakeKubePki.CreateCa("fake kube-apiserver CA");
            _serverCertificate = FakeKubePki.IssueServer(Ca);
            _ownsCertificates = true;
        }

        Tokens = new ConcurrentDictionary<string, FakeUser>(options.Tokens, StringComparer.Ordinal);
        Latency = options.Latency;
        BookmarkInterval = options.BookmarkInterval;
    }

    public Uri BaseAddress => new($"https://127.0.0.1:{_port}");

    /// <summary>Trust this to trust the server.</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>Bearer tokens the server accepts from its callers.</summary>
    public ConcurrentDictionary<string, FakeUser> Tokens { get; }

    /// <summary>What TokenReview says about a token (the tokens of the webhook's own callers).</summary>
    public ConcurrentDictionary<string, FakeUser> TokenReviews { get; } = new(StringComparer.Ordinal);

    /// <summary>What SubjectAccessReview answers; anything not here is not allowed.</summary>
    public ConcurrentDictionary<AccessCheck, bool> AccessReviews { get; } = new();

    /// <summary>Added to every call, e.g. 5 ms to make provisioning round trips count.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>How often a watch that allows bookmarks gets one; new watches pick up a change.</summary>
    public TimeSpan BookmarkInterval { get; set; }

    /// <summary>Writes every watch event in two flushed halves, splitting the JSON object across chunks.</summary>
    public bool SplitWatchWrites { get; set; }

    /// <summary>Every request seen (method, path, query and who it authenticated as), oldest first.</summary>
    public IReadOnlyList<RecordedRequest> RequestLog => [.. _requests];

    public int WatchCount => _store.WatchCount;

    public long ResourceVersion => _store.ResourceVersion;

    public static async Task<FakeKubeApiServer> StartAsync(FakeKubeOptions? options = null, CancellationToken cancellationToken = default)
    {
        var server = new FakeKubeApiServer(options ?? new FakeKubeOptions());
        try
        {
            server._app = await server.StartAppAsync(0, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Creates or replaces an object, placed by its apiVersion, kind (pluralized as Kubernetes does unless
    /// <paramref name="plural"/> is given) and metadata.namespace; returns it as stored. With <paramref name="keepUid"/>
    /// a new object keeps the uid it carries (a recorded object its children's ownerReferences point at).
    /// </summary>
    public JsonObject Upsert(object json, string? plural = null, bool keepUid = false)
    {
        var obj = FakeJson.ToObject(json);
        var apiVersion = FakeJson.String(obj, "apiVersion") ?? throw new ArgumentException("the object needs an apiVersion", nameof(json));
        var kind = FakeJson.String(obj, "kind") ?? throw new ArgumentException("the object needs a kind", nameof(json));
        var name = FakeJson.String(obj, "metadata", "name") ?? throw new ArgumentException("the object needs metadata.name", nameof(json));
        var ns = FakeJson.String(obj, "metadata", "namespace");
        var path = new ResourcePath(ResourcePath.PrefixFor(apiVersion), plural ?? KindNames.Plural(kind), ns, name, null);
        var stored = _store.Write(path, _ => obj, requireNamespace: false, out _, keepUid);
        return (JsonObject)JsonNode.Parse(stored.Utf8)!;
    }

    /// <summary>The object at an API path, as stored; null when there is none.</summary>
    public JsonObject? Get(string path) =>
        ResourcePath.TryParse(path, out var target) && target.Name is not null && _store.Get(target.Key) is { } stored
            ? (JsonObject)JsonNode.Parse(stored.Utf8)!
            : null;

    /// <summary>Every object of a collection path (<c>/api/v1/namespaces/x/events</c>), as stored.</summary>
    public IReadOnlyList<JsonObject> List(string collectionPath) =>
        ResourcePath.TryParse(collectionPath, out var target) && target.Name is null
            ? [.. _store.List(ObjectFilter.From(target, null, null), null, null).Items.Select(o => (JsonObject)JsonNode.Parse(o.Utf8)!)]
            : throw new ArgumentException($"'{collectionPath}' is not a collection path", nameof(collectionPath));

    /// <summary>Deletes the object at an API path (a namespace with its contents), sending DELETED to watchers.</summary>
    public bool Delete(string path) =>
        ResourcePath.TryParse(path, out var target) && target.Name is not null
            ? _store.Delete(target) is not null
            : throw new ArgumentException($"'{path}' is not an object path", nameof(path));

    /// <summary>Cuts every open watch connection mid-stream, as a network failure or load balancer would.</summary>
    public void DropWatches()
    {
        foreach (var watcher in _store.Watchers())
        {
            try
            {
                watcher.Context.Abort();
            }
            catch (ObjectDisposedException)
            {
                // That watch's request had already finished.
            }

            watcher.Complete();
        }
    }

    /// <summary>
    /// Compacts the history: a watch from any resourceVersion handed out so far gets ERROR 410 Expired, and continue
    /// tokens stop working; a fresh list's version can be watched from.
    /// </summary>
    public void ExpireHistory() => _store.Compact(bump: true);

    /// <summary>
    /// Stops and starts again on the same port after <paramref name="downtime"/>, as an API server restart does: open
    /// connections break, the watch history is gone (older versions get 410), the objects are kept.
    /// </summary>
    public async Task RestartAsync(TimeSpan downtime = default)
    {
        await _lifecycle.WaitAsync();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await StopAppAsync();
            _store.Compact(bump: false);
            if (downtime > TimeSpan.Zero)
            {
                await Task.Delay(downtime);
            }

            _app = await StartAppAsync(_port, CancellationToken.None);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>The next <paramref name="count"/> requests (whose path contains <paramref name="pathContains"/>) get <paramref name="status"/> with a Status body.</summary>
    public void FailNext(int status, int count = 1, string? pathContains = null)
    {
        lock (_failureGate)
        {
            _failures.Add(new FailureRule(status, count, pathContains));
        }
    }

    /// <summary>The next <paramref name="count"/> requests (whose path contains <paramref name="pathContains"/>) are never answered: the client must give up.</summary>
    public void HangNext(int count = 1, string? pathContains = null) => FailNext(FailureRule.NoAnswer, count, pathContains);

    public void ClearRequestLog() => _requests.Clear();

    public async ValueTask DisposeAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await StopAppAsync();
            if (_ownsCertificates)
            {
                _serverCertificate.Dispose();
                Ca.Dispose();
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    internal void Record(RecordedRequest request)
    {
        _requests.Enqueue(request);
        while (_requests.Count > RequestLogLimit && _requests.TryDequeue(out _))
        {
        }
    }

    internal int? TakeFailure(string path)
    {
        lock (_failureGate)
        {
            var rule = _failures.FirstOrDefault(f => f.Applies(path));
            if (rule is null)
            {
                return null;
            }

            rule.Remaining--;
            if (rule.Remaining == 0)
            {
                _failures.Remove(rule);
            }

            return rule.Status;
        }
    }

    private async Task StopAppAsync()
    {
        if (_app is not { } app)
        {
            return;
        }

        _app = null;

        // Open watches would hold a graceful stop for its whole timeout.
        DropWatches();
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
    }

    private async Task<WebApplication> StartAppAsync(int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(5));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = 4 * 1024 * 1024;
            kestrel.Limits.MaxConcurrentConnections = 512;
            kestrel.Listen(IPAddress.Loopback, port, listen =>
            {
                listen.Protocols = _options.Protocols;
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = _serverCertificate;
                    https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;

                    // Who a certificate stands for is decided per request, so a stranger gets a 401 rather than a failed handshake.
                    https.AllowAnyClientCertificate();
                });
            });
        });
        var app = builder.Build();
        app.Run(_handler.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        _port = new Uri(address).Port;
        return app;
    }
}
