using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Hosting.Tls;

/// <summary>
/// The certificate new TLS handshakes should present. Configured PEM files are polled and swapped in when a complete,
/// matching pair appears (cert-manager renewals, a mounted Secret's <c>..data</c> symlink swap); without files a
/// self-signed pair is generated or reused and renewed before it expires. Connections already open keep the
/// certificate they were established with.
/// </summary>
public sealed class ServingCertificateProvider : IDisposable
{
    private readonly TlsOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private ServingMaterial _material;
    private X509Certificate2Collection? _clientCas;

    // Only the watch loop touches these after Start.
    private byte[]? _servingFingerprint;
    private byte[]? _clientCaFingerprint;
    private string? _lastServingProblem;
    private string? _lastClientCaProblem;
    private Task _watching = Task.CompletedTask;

    private ServingCertificateProvider(
        TlsOptions options,
        ILogger logger,
        TimeProvider time,
        ServingMaterial material,
        byte[]? servingFingerprint,
        X509Certificate2Collection? clientCas,
        byte[]? clientCaFingerprint)
    {
        _options = options;
        _logger = logger;
        _time = time;
        _material = material;
        _servingFingerprint = servingFingerprint;
        _clientCas = clientCas;
        _clientCaFingerprint = clientCaFingerprint;
    }

    /// <summary>Raised on the watch thread after a new certificate (or CA bundle) has been put in service.</summary>
    public event Action<X509Certificate2>? Rotated;

    /// <summary>The certificate, with its private key, that a new handshake should present.</summary>
    public X509Certificate2 Current => Volatile.Read(ref _material).Certificate;

    /// <summary>
    /// PEM certificates a caller should trust: the generated CA; else <c>ca.crt</c> beside the certificate file plus
    /// any intermediates from the certificate file; else the certificate file's chain itself.
    /// </summary>
    public string CaBundlePem => Volatile.Read(ref _material).CaBundlePem;

    public bool IsSelfSigned => _options.CertFile is null;

    /// <summary>CA certificates callers' client certificates must chain to; null when none are required.</summary>
    internal X509Certificate2Collection? ClientCaCertificates => Volatile.Read(ref _clientCas);

    internal string? ClientCaFile => _options.ClientCaFile;

    internal ILogger Logger => _logger;

    /// <summary>Loads (or generates) the certificate and starts watching for changes.</summary>
    /// <exception cref="TlsConfigurationException">The files cannot be used; the message names the file and the problem.</exception>
    public static ServingCertificateProvider Start(TlsOptions options, ILogger logger) => Start(options, logger, TimeProvider.System);

    internal static ServingCertificateProvider Start(TlsOptions options, ILogger logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        if (options.ReloadInterval <= TimeSpan.Zero)
        {
            throw new TlsConfigurationException($"{nameof(TlsOptions.ReloadInterval)} must be positive, not {options.ReloadInterval}");
        }

        if (options.CertFile is null && options.KeyFile is not null)
        {
            throw TlsConfigurationException.ForFile(options.KeyFile, "a key file was given without its certificate file (--tls-cert-file)");
        }

        var now = time.GetUtcNow();
        ServingMaterial material;
        byte[]? servingFingerprint = null;
        if (options.CertFile is null)
        {
            material = SelfSignedCertificates.LoadOrCreate(options, logger, now);
        }
        else
        {
            var snapshot = ServingFileSnapshot.Read(options.CertFile, options.KeyFile);
            material = snapshot.Load(now);
            servingFingerprint = snapshot.Fingerprint;
            logger.ServingCertificateLoaded(options.CertFile, material.Certificate.Subject, material.Certificate.Thumbprint, PemFiles.NotAfter(material.Certificate));
        }

        X509Certificate2Collection? clientCas = null;
        byte[]? clientCaFingerprint = null;
        if (options.ClientCaFile is not null)
        {
            try
            {
                (clientCas, clientCaFingerprint) = ReadClientCas(options.ClientCaFile);
            }
            catch (TlsConfigurationException)
            {
                material.Certificate.Dispose();
                throw;
            }

            logger.ClientCaLoaded(options.ClientCaFile, clientCas.Count);
        }

        var provider = new ServingCertificateProvider(options, logger, time, material, servingFingerprint, clientCas, clientCaFingerprint);
        provider._watching = Task.Run(provider.WatchAsync);
        return provider;
    }

    /// <summary>
    /// Stops watching, waiting for a check in progress (so not from a <see cref="Rotated"/> handler). Certificates
    /// handed out are not disposed: handshakes in flight may still be using them.
    /// </summary>
    public void Dispose()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        _stopping.Cancel();
        try
        {
            _watching.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop logs its own failures; stopping is all that is left to do.
        }

        _stopping.Dispose();
    }

    private void CheckForChanges()
    {
        var now = _time.GetUtcNow();
        if (IsSelfSigned)
        {
            RenewSelfSignedIfDue(now);
        }
        else
        {
            ReloadServingFilesIfChanged(_options.CertFile!, now);
        }

        if (_options.ClientCaFile is not null)
        {
            ReloadClientCasIfChanged(_options.ClientCaFile);
        }
    }

    private static (X509Certificate2Collection Cas, byte[] Fingerprint) ReadClientCas(string path)
    {
        var bytes = PemFiles.ReadFile(path);
        return (PemFiles.ParseCertificates(path, Encoding.UTF8.GetString(bytes)), SHA256.HashData(bytes));
    }

    private async Task WatchAsync()
    {
        // Polling rather than FileSystemWatcher: a Secret update swaps a symlink two levels up from the files,
        // which inotify on the files never reports, and polling a few small files is cheap.
        using var timer = new PeriodicTimer(_options.ReloadInterval, _time);
        var stopping = _stopping.Token;
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    CheckForChanges();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Whatever went wrong this time, the current certificate keeps serving and the next tick retries.
                    _logger.ReloadCheckFailed(ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private void ReloadServingFilesIfChanged(string certFile, DateTimeOffset now)
    {
        ServingFileSnapshot snapshot;
        try
        {
            snapshot = ServingFileSnapshot.Read(certFile, _options.KeyFile);
        }
        catch (TlsConfigurationException ex)
        {
            // Mid-swap a file can be briefly missing; report it once and look again next tick.
            ReportServingProblem(ex.Message);
            return;
        }

        if (_servingFingerprint is not null && snapshot.Fingerprint.AsSpan().SequenceEqual(_servingFingerprint))
        {
            return;
        }

        // Remembered even if the load fails: a broken pair is reported once, and any later write changes the hash.
        _servingFingerprint = snapshot.Fingerprint;
        ServingMaterial material;
        try
        {
            material = snapshot.Load(now);
        }
        catch (TlsConfigurationException ex)
        {
            ReportServingProblem(ex.Message);
            return;
        }

        Publish(material, certFile);
    }

    private void RenewSelfSignedIfDue(DateTimeOffset now)
    {
        if (PemFiles.NotAfter(Current) - SelfSignedCertificates.RenewBefore > now)
        {
            return;
        }

        ServingMaterial material;
        try
        {
            material = SelfSignedCertificates.LoadOrCreate(_options, _logger, now);
        }
        catch (Exception ex) when (ex is TlsConfigurationException or IOException or UnauthorizedAccessException or CryptographicException)
        {
            ReportServingProblem(ex.Message);
            return;
        }

        Publish(material, Path.Combine(_options.DataDirectory, SelfSignedCertificates.CertFileName));
    }

    private void Publish(ServingMaterial material, string source)
    {
        _lastServingProblem = null;
        var previous = Interlocked.Exchange(ref _material, material);
        if (previous.Certificate.Thumbprint == material.Certificate.Thumbprint && previous.CaBundlePem == material.CaBundlePem)
        {
            return;
        }

        // The previous certificate is left to the GC rather than disposed: a handshake that selected it a moment
        // ago may still be using it.
        _logger.ServingCertificateReloaded(source, previous.Certificate.Thumbprint, material.Certificate.Thumbprint, PemFiles.NotAfter(material.Certificate));
        var handlers = Rotated;
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Action<X509Certificate2>>())
        {
            try
            {
                handler(material.Certificate);
            }
            catch (Exception ex)
            {
                // One subscriber's bug must not stop the others from hearing about the new certificate.
                _logger.RotatedHandlerFailed(ex);
            }
        }
    }

    private void ReportServingProblem(string problem)
    {
        if (problem == _lastServingProblem)
        {
            return;
        }

        _lastServingProblem = problem;
        _logger.ServingCertificateReloadRejected(Current.Thumbprint, problem);
    }

    private void ReloadClientCasIfChanged(string path)
    {
        X509Certificate2Collection cas;
        byte[] fingerprint;
        try
        {
            var bytes = PemFiles.ReadFile(path);
            fingerprint = SHA256.HashData(bytes);
            if (_clientCaFingerprint is not null && fingerprint.AsSpan().SequenceEqual(_clientCaFingerprint))
            {
                return;
            }

            _clientCaFingerprint = fingerprint;
            cas = PemFiles.ParseCertificates(path, Encoding.UTF8.GetString(bytes));
        }
        catch (TlsConfigurationException ex)
        {
            if (ex.Message != _lastClientCaProblem)
            {
                _lastClientCaProblem = ex.Message;
                _logger.ClientCaReloadRejected(ex.Message);
            }

            return;
        }

        _lastClientCaProblem = null;
        Volatile.Write(ref _clientCas, cas);
        _logger.ClientCaLoaded(path, cas.Count);
    }
}
