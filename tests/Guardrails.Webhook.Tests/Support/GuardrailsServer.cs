using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Guardrails.Tests;
using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Hosting.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Tests.Support;

/// <summary>A real <c>guardrails serve</c> on https://127.0.0.1 with a random port, its own data dir and a private copy of the packs.</summary>
internal sealed class GuardrailsServer : IAsyncDisposable
{
    private readonly string _root;

    private GuardrailsServer(WebApplication app, string root, string policies, Uri address)
    {
        App = app;
        _root = root;
        PoliciesDirectory = policies;
        Address = address;
    }

    public WebApplication App { get; }

    public LogRecorder Logs { get; private init; } = new();

    public string PoliciesDirectory { get; }

    public Uri Address { get; }

    public X509Certificate2 CaCertificate => X509Certificate2.CreateFromPem(App.Services.GetRequiredService<ServingCertificateProvider>().CaBundlePem);

    /// <param name="logging">Replaces the test's quiet recorder setup, to see the product's own default log filters.</param>
    /// <param name="copyFrom">A policies directory to copy whole (packs, rules/*.cs, tests/) instead of the shipped packs.</param>
    public static async Task<GuardrailsServer> StartAsync(Func<ServeOptions, ServeOptions>? configure = null, string? packs = null, Action<WebApplication>? beforeStart = null, string? copyFrom = null, Action<ILoggingBuilder>? logging = null, string[]? hostArgs = null, Action<IServiceCollection>? services = null)
    {
        var root = Directory.CreateTempSubdirectory("guardrails-test-").FullName;
        var policies = Path.Combine(root, "policies");
        Directory.CreateDirectory(policies);
        if (copyFrom is not null)
        {
            CopyPolicies(copyFrom, policies);
        }
        else if (packs is null)
        {
            foreach (var file in Directory.GetFiles(RepoPaths.Policies))
            {
                File.Copy(file, Path.Combine(policies, Path.GetFileName(file)));
            }
        }
        else
        {
            await File.WriteAllTextAsync(Path.Combine(policies, "pack.yaml"), packs);
        }

        var options = new ServeOptions
        {
            PoliciesDirectory = policies,
            DataDirectory = Path.Combine(root, "data"),
            Urls = ["https://127.0.0.1:0"],
            PrintManifests = false,
            PackReloadInterval = TimeSpan.FromMilliseconds(200),
        };
        options = configure?.Invoke(options) ?? options;
        var recorder = new LogRecorder();
        var app = GuardrailsHost.Build(options, hostArgs, logging: logging ?? (builder =>
        {
            // No console: dozens of servers writing to one test process's stderr can fill the console logger's
            // queue, and a full queue blocks whoever logs. The recorder keeps what a failing test needs.
            builder.ClearProviders();
            builder.SetMinimumLevel(LogLevel.Warning);
            builder.AddFilter<LogRecorder>("Guardrails", LogLevel.Debug);
            builder.AddFilter<LogRecorder>("Microsoft", LogLevel.Error);
            builder.AddProvider(recorder);
        }), services);
        beforeStart?.Invoke(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GuardrailsServer(app, root, policies, new Uri(address)) { Logs = recorder };
    }

    /// <summary>Packs, rule files and suites; not an editor project's bin/ and obj/.</summary>
    public static void CopyPolicies(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            {
                continue;
            }

            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>A client that trusts only this server's CA, speaking exactly the given HTTP version.</summary>
    public HttpClient CreateClient(Version? version = null)
    {
        var ca = CaCertificate;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => Trusts(ca, certificate),
            },
        };
        return new HttpClient(handler)
        {
            BaseAddress = Address,
            DefaultRequestVersion = version ?? HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp dir left behind is not a test failure.
        }
    }

    private static bool Trusts(X509Certificate2 ca, X509Certificate? presented)
    {
        if (presented is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(new X509Certificate2(presented));
    }
}
