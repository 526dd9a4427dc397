using System.Text;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Cluster.Api;

/// <summary>
/// The bearer token to send: fixed, or read from a file the kubelet rewrites as it rotates the service-account token.
/// The file is looked at no more than once per <see cref="RecheckInterval"/>; a rotated token stays valid for a while, so
/// that is soon enough, and a 401 forces an early look.
/// </summary>
internal sealed class BearerTokenSource
{
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(5);

    private readonly string? _tokenFile;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private string? _token;
    private DateTimeOffset _checkedAt = DateTimeOffset.MinValue;

    public BearerTokenSource(string? token, string? tokenFile, TimeProvider time, ILogger logger)
    {
        _token = string.IsNullOrWhiteSpace(token) ? null : token.Trim();
        _tokenFile = string.IsNullOrEmpty(tokenFile) ? null : tokenFile;
        _time = time;
        _logger = logger;
    }

    public string? TokenFile => _tokenFile;

    public string? Current()
    {
        if (_tokenFile is null)
        {
            return _token;
        }

        lock (_gate)
        {
            if (_time.GetUtcNow() - _checkedAt >= RecheckInterval)
            {
                Reload();
            }

            return _token;
        }
    }

    /// <summary>After a 401 with <paramref name="sent"/>: re-reads the file now; whether there is a different token to try.</summary>
    public bool RefreshAfterUnauthorized(string? sent)
    {
        if (_tokenFile is null)
        {
            return false;
        }

        lock (_gate)
        {
            Reload();
            return _token is not null && _token != sent;
        }
    }

    private void Reload()
    {
        _checkedAt = _time.GetUtcNow();
        string text;
        try
        {
            text = Encoding.UTF8.GetString(File.ReadAllBytes(_tokenFile!)).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Keep(ex.Message);
            return;
        }

        if (text.Length == 0)
        {
            // The kubelet swaps token files atomically, so an empty one is a broken mount rather than a moment mid-write.
            Keep("the file is empty");
            return;
        }

        if (_token is not null && text != _token)
        {
            _logger.TokenReloaded(_tokenFile!);
        }

        _token = text;
    }

    private void Keep(string problem)
    {
        if (_token is null)
        {
            throw KubeConfigException.ForFile(_tokenFile!, $"cannot read the bearer token: {problem}");
        }

        _logger.TokenReloadFailed(_tokenFile!, problem);
    }
}
