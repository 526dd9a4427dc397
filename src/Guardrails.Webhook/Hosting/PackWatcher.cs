using System.Security.Cryptography;
using Guardrails.Policies.Engine;
using Guardrails.Webhook.Provisioning;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Hosting;

/// <summary>
/// Reloads the packs when the policies directory changes. It polls a fingerprint of the files' contents rather
/// than trusting FileSystemWatcher, because a mounted ConfigMap changes by swapping a <c>..data</c> symlink, which
/// raises no event for the files themselves.
/// </summary>
public sealed partial class PackWatcher : BackgroundService
{
    private readonly string _directory;
    private readonly PolicyOptions _options;
    private readonly PolicyStore _store;
    private readonly PlatformSettingsStore _settings;
    private readonly ILogger<PackWatcher> _logger;
    private readonly TimeSpan _interval;
    private string _fingerprint = "";

    public PackWatcher(string directory, PolicyOptions options, PolicyStore store, PlatformSettingsStore settings, ILogger<PackWatcher> logger, TimeSpan interval)
    {
        _settings = settings;
        _directory = directory;
        _options = options;
        _store = store;
        _logger = logger;
        _interval = interval;
    }

    /// <summary>
    /// Reads and compiles the policies directory for the first load on a thread-pool thread: it needs nothing from the
    /// host, so on a second core it runs while the host is built instead of after it.
    /// </summary>
    public static Task<PackLoad> StartInitialRead(string directory, PolicyOptions options) =>
        Task.Run(() => Read(directory, options, previous: null, Fingerprint(directory)));

    /// <summary>The first load, before the server listens: a bad pack at startup stops the app with its reasons.</summary>
    /// <param name="started">The same directory's read begun by <see cref="StartInitialRead"/>; null reads it now.</param>
    public PolicyLoadResult LoadInitial(Task<PackLoad>? started = null)
    {
        var load = started is null
            ? Read(_directory, _options, _store.Current, Fingerprint(_directory))
            : started.GetAwaiter().GetResult();
        _fingerprint = load.Fingerprint;
        Apply(load, reload: false);
        return load.Settings is { Succeeded: false, Absent: false } settings
            ? new PolicyLoadResult(null, [.. load.Policy.Errors, .. settings.Errors])
            : load.Policy;
    }

    /// <summary>Rule packs and platform settings come from the same files and are read together.</summary>
    private static PackLoad Read(string directory, PolicyOptions options, CompiledPolicy? previous, string fingerprint)
    {
        if (PackDirectory.ReadSources(directory, out var sources) is { } error)
        {
            return new PackLoad(fingerprint, new PolicyLoadResult(null, [error]), null);
        }

        StartupTimeline.Mark("packs-read");
        var result = EnabledRuleCheck.ApplyOnReload(PackDirectory.Compile(directory, sources, options), previous, directory);
        StartupTimeline.Mark("packs-parsed-and-compiled");
        var settings = PlatformSettingsParser.Load(sources);
        StartupTimeline.Mark("settings-parsed");
        return new PackLoad(fingerprint, result, settings);
    }

    /// <summary>Rule packs and platform settings are applied together.</summary>
    /// <param name="reload">
    /// A reload logs a refusal before the store shows it, so whoever sees the refused state (the packs API, an
    /// operator's dashboard) finds its reasons in the log already; the first load's caller reports them itself.
    /// </param>
    private void Apply(PackLoad load, bool reload)
    {
        if (reload)
        {
            foreach (var refusal in load.Policy.Errors)
            {
                LogError(refusal);
            }
        }

        _store.Apply(load.Policy);
        if (load.Settings is { Absent: false } settings)
        {
            _settings.Apply(settings);
            foreach (var settingsError in settings.Errors)
            {
                LogRefused(_logger, settingsError.File, settingsError.Line, settingsError.Message);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            string fingerprint;
            try
            {
                fingerprint = Fingerprint(_directory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogUnreadable(_logger, _directory, ex.Message);
                continue;
            }

            if (fingerprint == _fingerprint)
            {
                continue;
            }

            _fingerprint = fingerprint;
            var load = Read(_directory, _options, _store.Current, fingerprint);
            Apply(load, reload: true);
            if (load.Policy.Succeeded)
            {
                LogReloaded(_logger, _directory, load.Policy.Policy!.Packs.Count);
            }
        }
    }

    private static string Fingerprint(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return "missing";
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in PackDirectory.PackFiles(directory).Concat(PackDirectory.RuleFiles(directory)))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(file));
            hash.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Rule packs reloaded from {Directory}: {Count} pack(s) now serving")]
    private static partial void LogReloaded(ILogger logger, string directory, int count);

    [LoggerMessage(EventId = 201, Level = LogLevel.Error, Message = "Rule pack edit refused, last good policy keeps serving: {File}:{Line}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string file, int line, string reason);

    [LoggerMessage(EventId = 203, Level = LogLevel.Error, Message = "Rule file edit refused, last good policy keeps serving: {File}:{Line}:{Column}: {Reason}")]
    private static partial void LogRefusedAt(ILogger logger, string file, int line, int column, string reason);

    private void LogError(Guardrails.Policies.Packs.PackError error)
    {
        if (error.Column > 0)
        {
            LogRefusedAt(_logger, error.File, error.Line, error.Column, error.Message);
        }
        else
        {
            LogRefused(_logger, error.File, error.Line, error.Message);
        }
    }

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "Cannot read policies directory {Directory}: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string directory, string reason);
}
