using Guardrails.Policies.Engine;
using Guardrails.Webhook.Admission;
using Guardrails.Webhook.Admission.Refusals;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.DryRun;
using Guardrails.Webhook.Exceptions;
using Guardrails.Webhook.Hosting.Logging;
using Guardrails.Webhook.Hosting.Tls;
using Guardrails.Webhook.Provisioning;
using Guardrails.Webhook.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Guardrails.Webhook.Hosting;

/// <summary>Composes <c>guardrails serve</c>: Kestrel over HTTPS, the three doors' endpoints, hot-reloaded packs, telemetry.</summary>
public static class GuardrailsHost
{
    /// <summary>The configuration key that turns ASP.NET Core's per-request logs back on (set it to Information).</summary>
    public const string RequestLogLevelKey = "Logging:LogLevel:Microsoft.AspNetCore";

    /// <summary>The configuration key for the console's one-line format (on unless configured).</summary>
    public const string ConsoleSingleLineKey = "Logging:Console:FormatterOptions:SingleLine";

    /// <summary>The configuration key naming the console formatter (simple, json, systemd).</summary>
    public const string ConsoleFormatterNameKey = "Logging:Console:FormatterName";

    /// <summary>The configuration key that switches the batched stderr writer off (false: the stock console logger).</summary>
    public const string ConsoleBatchedKey = "Logging:Console:Batched";

    /// <exception cref="ServeOptionsException">The options are invalid; every reason is in the message.</exception>
    /// <exception cref="PolicyLoadException">The rule packs are invalid at startup.</exception>
    /// <param name="overrides">Replaces services after Guardrails' own are added (tests: a manual clock).</param>
    public static WebApplication Build(ServeOptions options, string[]? args = null, Action<ILoggingBuilder>? logging = null, Action<IServiceCollection>? overrides = null)
    {
        StartupTimeline.Mark("build-started");
        if (ServeOptionsValidator.Validate(options) is { Count: > 0 } invalid)
        {
            throw new ServeOptionsException(invalid);
        }

        StartupTimeline.Mark("options-validated");

        // The first pack load (about a third of start-up, mostly JIT) needs nothing from the host: begun now, it runs
        // on the second core while the host is built and joins before the server listens.
        var policyOptions = new PolicyOptions { OwnNamespace = options.OwnNamespace };
        var initialPacks = PackWatcher.StartInitialRead(options.PoliciesDirectory, policyOptions);

        // The slim builder leaves out what serve never uses and start-up paid for: IIS integration, HTTP/3 (QUIC),
        // hosting-startup assemblies, static web assets, regex route constraints, the Debug and EventSource log
        // providers. HTTPS endpoint configuration is the one part of the full builder serve needs, added back here.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args ?? [] });
        builder.WebHost.UseKestrelHttpsConfiguration();
        StartupTimeline.Mark("builder-created");

        // Logs on stderr keep stdout for the printed manifests: `guardrails serve > webhooks.yaml` must stay valid YAML.
        // A slow stderr must never slow admission: when the console queue is full, drop log lines rather than wait.
        builder.Logging.AddConsole(console =>
        {
            console.LogToStandardErrorThreshold = LogLevel.Trace;
            console.QueueFullMode = ConsoleLoggerQueueFullMode.DropWrite;
        });

        // The stock console logger wakes its thread and makes one write(2) per entry: at one decision line a request
        // that cost 14-33 % of throughput on 2 cores. The batched writer formats the same bytes and writes them in
        // batches (docs/benchmarks.md); it drops a line only when its buffer is full, and then says how many.
        // Logging__Console__Batched=false goes back to the stock logger.
        if (ConsoleBatched(builder.Configuration[ConsoleBatchedKey]))
        {
            builder.Logging.AddBatchedConsole();
        }

        // The slim builder registers the simple formatter by code (FormatterName = simple), which overrides the
        // configured one: without this Logging__Console__FormatterName=json was silently ignored.
        if (builder.Configuration[ConsoleFormatterNameKey] is { Length: > 0 } formatterName)
        {
            builder.Services.PostConfigure<ConsoleLoggerOptions>(console => console.FormatterName = formatterName);
        }

        // One line per entry (the simple formatter's default is two): one admission request, one line for the log
        // shipper. Logging__Console__FormatterOptions__SingleLine=false, or FormatterName=json, change it.
        if (builder.Configuration[ConsoleSingleLineKey] is null)
        {
            builder.Services.Configure<SimpleConsoleFormatterOptions>(simple => simple.SingleLine = true);
        }

        // ASP.NET Core's per-request logs (hosting and routing: four lines a request) cost about 30 % of throughput and
        // say less than the one decision line Guardrails writes. Off unless configured, e.g. the one setting
        // Logging__LogLevel__Microsoft.AspNetCore=Information.
        if (builder.Configuration[RequestLogLevelKey] is null)
        {
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        }

        if (logging is not null)
        {
            logging(builder.Logging);
        }

        builder.WebHost.UseUrls([.. options.Urls]);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // RequestBody enforces the real limit with a clear 413. Kestrel's own cap is higher so that it can drain
            // the rest of an oversized upload and the client actually receives that 413 instead of a reset.
            kestrel.Limits.MaxRequestBodySize = Math.Max(options.MaxRequestBodyBytes * 4, 32L * 1024 * 1024);
            kestrel.ConfigureHttpsDefaults(https =>
            {
                var provider = kestrel.ApplicationServices.GetRequiredService<ServingCertificateProvider>();
                https.ConfigureGuardrailsHttps(provider, kestrel.ApplicationServices.GetRequiredService<TlsOptions>());
            });
        });

        var services = builder.Services;
        services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new TlsOptions
        {
            CertFile = options.CertFile,
            KeyFile = options.KeyFile,
            ClientCaFile = options.ClientCaFile,
            DataDirectory = options.DataDirectory,
            ServiceName = options.ServiceName,
            ServiceNamespace = options.OwnNamespace,
            ExtraSans = options.ExtraSans,
        });
        services.AddSingleton(sp => ServingCertificateProvider.Start(
            sp.GetRequiredService<TlsOptions>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Guardrails.Tls")));
        services.AddSingleton<PolicyStore>();
        services.AddClusterState(options);
        services.AddSingleton<PlatformSettingsStore>();
        services.AddSingleton<EnvironmentCache>();
        services.AddSingleton<EnvironmentPreCheckService>();
        services.AddSingleton(sp => new PackWatcher(
            options.PoliciesDirectory,
            policyOptions,
            sp.GetRequiredService<PolicyStore>(),
            sp.GetRequiredService<PlatformSettingsStore>(),
            sp.GetRequiredService<ILogger<PackWatcher>>(),
            options.PackReloadInterval));
        services.AddHostedService(sp => sp.GetRequiredService<PackWatcher>());
        services.AddSingleton<Exceptions.ExceptionStatusBoard>();
        services.AddSingleton(BuildPipeline);
        services.AddGuardrailsTelemetry();
        services.AddProblemDetails();
        services.AddOpenApi();
        overrides?.Invoke(services);

        var app = builder.Build();
        StartupTimeline.Mark("host-built");
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Kestrel's own refusals (malformed HTTP, body over its limit) are the client's doing: keep their 4xx.
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });

        StartupTimeline.Mark("pipeline-configured");

        // Resolved now: a broken certificate must stop startup, not the first handshake. Making one (the self-signed
        // CA and serving certificate) needs only the options, so it too runs beside the rest; and so does one
        // handshake with it in memory, which the first real handshake would otherwise wait for.
        var certificate = Task.Run(() =>
        {
            var provider = app.Services.GetRequiredService<ServingCertificateProvider>();
            _ = TlsHandshakeWarmup.RunAsync(provider.Current, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Guardrails.Tls"));
            return provider;
        });

        PolicyLoadResult initial;
        try
        {
            var metrics = app.Services.GetRequiredService<GuardrailsMetrics>();
            StartupTimeline.Mark("metrics-ready");
            var store = app.Services.GetRequiredService<PolicyStore>();
            store.Reloaded += result => metrics.RecordPackReload(result.Succeeded);
            metrics.SetLoadedPackCount(() => store.Current?.Packs.Count ?? 0);
            var exceptionBoard = app.Services.GetRequiredService<Exceptions.ExceptionStatusBoard>();
            metrics.SetActiveExceptions(exceptionBoard.ActiveByNamespaceAndRule);
            StartupTimeline.Mark("exception-board-ready");
            var packWatcher = app.Services.GetRequiredService<PackWatcher>();
            StartupTimeline.Mark("pack-watcher-ready");

            initial = packWatcher.LoadInitial(initialPacks);
        }
        catch
        {
            Settle(certificate);
            throw;
        }

        if (!initial.Succeeded)
        {
            Settle(certificate);
            throw new PolicyLoadException(initial.Errors);
        }

        StartupTimeline.Mark("packs-compiled");

        certificate.GetAwaiter().GetResult();
        StartupTimeline.Mark("tls-ready");

        app.MapAdmission();
        app.MapDryRun();
        app.MapEnvironments();
        app.MapExceptions();
        app.MapHealth();
        app.MapGuardrailsMetrics("/metrics");
        app.MapOpenApi("/openapi/{documentName}.json");
        if (options.EnableFloorEndpoint)
        {
            app.MapFloor();
        }

        StartupTimeline.Mark("endpoints-mapped");
        return app;
    }

    /// <summary>
    /// Lets a start-up step running beside the host finish, whatever it ends in, so that nothing of it still runs (the
    /// certificate step writes to the data directory) once start-up has failed for another reason.
    /// </summary>
    private static void Settle(Task task) => ((IAsyncResult)task).AsyncWaitHandle.WaitOne();

    private static bool ConsoleBatched(string? setting)
    {
        if (setting is null)
        {
            return true;
        }

        return bool.TryParse(setting, out var batched)
            ? batched
            : throw new ServeOptionsException($"{ConsoleBatchedKey} must be true or false, not '{setting}'");
    }

    private static AdmissionPipeline BuildPipeline(IServiceProvider services)
    {
        var metrics = services.GetRequiredService<GuardrailsMetrics>();
        var core = AdmissionCore.Create(
            services.GetRequiredService<PolicyStore>(),
            services.GetRequiredService<IClusterStateSource>(),
            metrics,
            services.GetRequiredService<EnvironmentPreCheckService>(),
            services.GetService<RefusalEvents>(),
            services.GetRequiredService<IExceptionSource>(),
            services.GetService<Exceptions.IApprovalCheck>(),
            services.GetRequiredService<TimeProvider>());
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Guardrails.Admission");
        var chain = core.WithDeadline().WithMetrics(metrics).WithTracing().WithLogging(logger);
        return new AdmissionPipeline(chain, chain);
    }
}
