using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Guardrails.Webhook.Hosting.Tls;

namespace Guardrails.Webhook.Tests.Hosting.Tls;

public sealed class SelfSignedCertificateTests
{
    [Fact]
    public void First_start_generates_a_CA_and_a_serving_certificate_for_the_service()
    {
        using var dir = new TempDirectory();
        var options = Options(dir) with { ExtraSans = ["guardrails.example.com", "10.0.0.7", "fd00::7"] };

        using var provider = ServingCertificateProvider.Start(options, new RecordingLogger());

        provider.IsSelfSigned.ShouldBeTrue();
        foreach (var file in new[] { "ca.crt", "ca.key", "tls.crt", "tls.key" })
        {
            File.ReadAllText(dir.Combine("data", file)).ShouldStartWith("-----BEGIN ");
        }

        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(dir.Combine("data", "ca.key")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.GetUnixFileMode(dir.Combine("data", "tls.key")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var serving = provider.Current;
        serving.HasPrivateKey.ShouldBeTrue();
        serving.Thumbprint.ShouldBe(X509Certificate2.CreateFromPem(File.ReadAllText(dir.Combine("data", "tls.crt"))).Thumbprint);
        var sans = serving.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        sans.EnumerateDnsNames().Order(StringComparer.Ordinal).ShouldBe(
        [
            "guardrails",
            "guardrails.example.com",
            "guardrails.policy-system",
            "guardrails.policy-system.svc",
            "guardrails.policy-system.svc.cluster.local",
            "localhost",
        ]);
        sans.EnumerateIPAddresses().ShouldBe([IPAddress.Loopback, IPAddress.IPv6Loopback, IPAddress.Parse("10.0.0.7"), IPAddress.Parse("fd00::7")], ignoreOrder: true);
        serving.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value)
            .ShouldBe(["1.3.6.1.5.5.7.3.1"]);
        (serving.NotAfter - DateTime.Now).TotalDays.ShouldBeInRange(364, 366);

        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(dir.Combine("data", "ca.crt")));
        ca.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority.ShouldBeTrue();
        (ca.NotAfter - DateTime.Now).TotalDays.ShouldBeGreaterThan(3600);
        provider.CaBundlePem.ShouldBe(File.ReadAllText(dir.Combine("data", "ca.crt")));
        TestPki.ChainsTo(serving, [ca]).ShouldBeTrue();
        TestPki.ChainsTo(serving, [TestPki.CreateCa("someone else")]).ShouldBeFalse();
    }

    [Fact]
    public void A_second_start_reuses_the_CA_and_the_serving_certificate()
    {
        using var dir = new TempDirectory();
        string caBundle, thumbprint;
        using (var first = ServingCertificateProvider.Start(Options(dir), new RecordingLogger()))
        {
            caBundle = first.CaBundlePem;
            thumbprint = first.Current.Thumbprint;
        }

        using var second = ServingCertificateProvider.Start(Options(dir), new RecordingLogger());

        second.CaBundlePem.ShouldBe(caBundle);
        second.Current.Thumbprint.ShouldBe(thumbprint);
        second.Current.HasPrivateKey.ShouldBeTrue();
    }

    [Fact]
    public void Changed_SANs_regenerate_the_serving_certificate_but_keep_the_CA()
    {
        using var dir = new TempDirectory();
        string caBundle, thumbprint;
        using (var first = ServingCertificateProvider.Start(Options(dir), new RecordingLogger()))
        {
            caBundle = first.CaBundlePem;
            thumbprint = first.Current.Thumbprint;
        }

        var logger = new RecordingLogger();
        using var moved = ServingCertificateProvider.Start(Options(dir) with { ServiceNamespace = "elsewhere", ExtraSans = ["192.168.1.9"] }, logger);

        moved.CaBundlePem.ShouldBe(caBundle);
        moved.Current.Thumbprint.ShouldNotBe(thumbprint);
        var sans = moved.Current.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        sans.EnumerateDnsNames().ShouldContain("guardrails.elsewhere.svc");
        sans.EnumerateDnsNames().ShouldNotContain("guardrails.policy-system.svc");
        sans.EnumerateIPAddresses().ShouldContain(IPAddress.Parse("192.168.1.9"));
        TestPki.ChainsTo(moved.Current, TestPki.ParseBundle(caBundle)).ShouldBeTrue();
        logger.Has(Microsoft.Extensions.Logging.LogLevel.Information, "SANs changed").ShouldBeTrue();
    }

    [Fact]
    public void A_serving_certificate_within_30_days_of_expiry_is_regenerated_with_the_same_CA()
    {
        using var dir = new TempDirectory();
        string caBundle, thumbprint;
        using (var first = ServingCertificateProvider.Start(Options(dir), new RecordingLogger()))
        {
            caBundle = first.CaBundlePem;
            thumbprint = first.Current.Thumbprint;
        }

        var time = new ManualTimeProvider(DateTimeOffset.UtcNow.AddDays(340));
        using var later = ServingCertificateProvider.Start(Options(dir), new RecordingLogger(), time);

        later.Current.Thumbprint.ShouldNotBe(thumbprint);
        later.CaBundlePem.ShouldBe(caBundle);
        later.Current.NotAfter.ShouldBeGreaterThan(DateTime.Now.AddDays(340 + 364));
    }

    [Fact]
    public async Task A_running_server_renews_its_self_signed_certificate_before_it_expires()
    {
        using var dir = new TempDirectory();
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        using var provider = ServingCertificateProvider.Start(Options(dir), new RecordingLogger(), time);
        var original = provider.Current.Thumbprint;
        var rotated = new TaskCompletionSource<X509Certificate2>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.Rotated += certificate => rotated.TrySetResult(certificate);

        time.Advance(TimeSpan.FromDays(340));

        var renewed = await rotated.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        renewed.Thumbprint.ShouldNotBe(original);
        provider.Current.Thumbprint.ShouldBe(renewed.Thumbprint);
        X509Certificate2.CreateFromPem(File.ReadAllText(dir.Combine("data", "tls.crt"))).Thumbprint.ShouldBe(renewed.Thumbprint);
        TestPki.ChainsTo(renewed, TestPki.ParseBundle(provider.CaBundlePem), at: time.GetUtcNow()).ShouldBeTrue();
    }

    [Fact]
    public void A_CA_whose_key_is_gone_stops_startup_naming_the_key_file()
    {
        using var dir = new TempDirectory();
        ServingCertificateProvider.Start(Options(dir), new RecordingLogger()).Dispose();
        File.Delete(dir.Combine("data", "ca.key"));

        var error = Should.Throw<TlsConfigurationException>(() => ServingCertificateProvider.Start(Options(dir), new RecordingLogger()));

        error.Message.ShouldContain(dir.Combine("data", "ca.key"));
        error.Message.ShouldContain("missing");
    }

    [Fact]
    public void An_extra_SAN_that_is_neither_a_name_nor_an_address_is_refused()
    {
        using var dir = new TempDirectory();

        var error = Should.Throw<TlsConfigurationException>(() =>
            ServingCertificateProvider.Start(Options(dir) with { ExtraSans = ["not a host"] }, new RecordingLogger()));

        error.Message.ShouldContain("'not a host'");
    }

    [Fact]
    public async Task The_self_signed_certificate_is_trusted_over_HTTPS_through_the_CA_bundle()
    {
        using var dir = new TempDirectory();
        var options = Options(dir);
        using var provider = ServingCertificateProvider.Start(options, new RecordingLogger());
        await using var server = await TlsTestServer.StartAsync(provider, options);
        using var client = TrustingClient.Create(server.BaseAddress, TestPki.ParseBundle(provider.CaBundlePem), HttpVersion.Version20);

        (await client.GetStringAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken)).ShouldBe("HTTP/2");
    }

    private static TlsOptions Options(TempDirectory dir) => new()
    {
        DataDirectory = dir.Combine("data"),
        ServiceNamespace = "policy-system",
        ReloadInterval = TimeSpan.FromMilliseconds(50),
    };
}
