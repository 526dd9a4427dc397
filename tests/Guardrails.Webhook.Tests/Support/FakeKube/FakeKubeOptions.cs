using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Guardrails.Webhook.Tests.Support.FakeKube;

/// <summary>How a <see cref="FakeKubeApiServer"/> starts; tokens, latency and the bookmark interval can still be changed on the server while it runs.</summary>
internal sealed class FakeKubeOptions
{
    /// <summary>The serving certificate (with key, valid for 127.0.0.1); generated with its own CA when null.</summary>
    public X509Certificate2? ServerCertificate { get; set; }

    /// <summary>The CA that issued <see cref="ServerCertificate"/>, handed out as <see cref="FakeKubeApiServer.Ca"/>.</summary>
    public X509Certificate2? ServerCa { get; set; }

    /// <summary>Client certificates chaining to this CA authenticate as their CN, with their O values as groups.</summary>
    public X509Certificate2? ClientCa { get; set; }

    /// <summary>Accepted bearer tokens and who they are.</summary>
    public IDictionary<string, FakeUser> Tokens { get; set; } = new Dictionary<string, FakeUser>(StringComparer.Ordinal);

    /// <summary>Lets unauthenticated requests through (as <c>system:anonymous</c>) instead of answering 401.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>How many changes a watch can be resumed across before it gets 410 Expired.</summary>
    public int HistoryLimit { get; set; } = 1000;

    public int MaxObjects { get; set; } = 20_000;

    public int MaxWatches { get; set; } = 256;

    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>For a watch without <c>timeoutSeconds</c>; the real server picks 30 to 60 minutes.</summary>
    public TimeSpan DefaultWatchTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Added to every call before it is answered.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Writes into a namespace that does not exist answer 404, as the real server does.</summary>
    public bool RequireNamespaces { get; set; } = true;

    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>HTTP/1.1 only stands in for proxies and load balancers in front of a real API server.</summary>
    public HttpProtocols Protocols { get; set; } = HttpProtocols.Http1AndHttp2;
}
