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

    /// <summary>The first load, before the server listens: a bad pack at startup stops the app with its reasons.</summary>
    public PolicyLoadResult LoadInitial()
    {
        _fingerprint = Fingerprint();
        var (result, settings) = Load(reload: false);
        return settings is { Succeeded: false, Absent: false }
            ? new PolicyLoadResult(null, [.. result.Errors, .. settings.Errors])
            : result;
    }

    /// <summary>Rule packs and platform settings come from the same files and are applied together.</summary>
    /// <param name="reload">
    /// A reload logs a refusal before the store shows it, so whoever sees the refused state (the packs API, an
    /// operator's dashboard) finds its reasons in the log already; the first load's caller reports them itself.
    /// </param>
    private (PolicyLoadResult Policy, PlatformSettingsLoadResult? Settings) Load(bool reload)
    {
        if (PackDirectory.ReadSources(_directory, out var sources) is { } error)
        {
            var failed = new PolicyLoadResult(null, [error]);
            if (reload)
            {
                LogError(error);
            }

            _store.Apply(failed);
            return (failed, null);
        }

        StartupTimeline.Mark("packs-read");
        var result = EnabledRuleCheck.ApplyOnReload(PackDirectory.Compile(_directory, sources, _options), _store.Current, _directory);
        StartupTimeline.Mark("packs-parsed-and-compiled");
        var settings = PlatformSettingsParser.Load(sources);
        StartupTimeline.Mark("settings-parsed");
        if (reload)
        {
            foreach (var refusal in result.Errors)
            {
                LogError(refusal);
            }
        }

        _store.Apply(result);
        if (!settings.Absent)
        {
            _settings.Apply(settings);
            foreach (var settingsError in settings.Errors)
            {
                LogRefused(_logger, settingsError.File, settingsError.Line, settingsError.Message);
            }
        }

        return (result, settings);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            string fingerprint;
            try
            {
                fingerprint = Fingerprint();
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
            var (result, _) = Load(reload: true);
            if (result.Succeeded)
            {
                LogReloaded(_logger, _directory, result.Policy!.Packs.Count);
            }
        }
    }

    private string Fingerprint()
    {
        if (!Directory.Exists(_directory))
        {
            return "missing";
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in PackDirectory.PackFiles(_directory).Concat(PackDirectory.RuleFiles(_directory)))
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
