using Guardrails.Webhook.Hosting.Tls;

namespace Guardrails.Webhook.Tests.Hosting.Tls;

public sealed class CertificateFileTests
{
    [Fact]
    public void Startup_with_a_key_that_does_not_match_the_certificate_names_the_key_file()
    {
        using var dir = new TempDirectory();
        using var ca = TestPki.CreateCa("CA");
        using var certA = TestPki.IssueServer(ca, "A");
        using var certB = TestPki.IssueServer(ca, "B");
        var options = Options(dir, dir.Write("tls.crt", TestPki.CertPem(certA)), dir.Write("tls.key", TestPki.KeyPem(certB)));

        var error = Should.Throw<TlsConfigurationException>(() => ServingCertificateProvider.Start(options, new RecordingLogger()));

        error.Message.ShouldStartWith(options.KeyFile + ": private key does not match the certificate in " + options.CertFile);
    }

    [Fact]
    public void Startup_with_a_missing_certificate_file_names_it()
    {
        using var dir = new TempDirectory();
        var options = Options(dir, dir.Combine("nope.crt"), dir.Write("tls.key", "x"));

        var error = Should.Throw<TlsConfigurationException>(() => ServingCertificateProvider.Start(options, new RecordingLogger()));

        error.Message.ShouldBe(options.CertFile + ": file not found");
    }

    [Fact]
    public void Startup_with_a_key_of_the_wrong_type_names_the_key_file()
    {
        using var dir = new TempDirectory();
        using var ca = TestPki.CreateCa("CA");
        using var ecdsa = TestPki.IssueServer(ca, "A");
        using var rsa = TestPki.IssueServer(ca, "B", rsa: true);
        var options = Options(dir, dir.Write("tls.crt", TestPki.CertPem(ecdsa)), dir.Write("tls.key", TestPki.KeyPem(rsa)));

        var error = Should.Throw<TlsConfigurationException>(() => ServingCertificateProvider.Start(options, new RecordingLogger()));

        error.Message.ShouldStartWith(options.KeyFile + ": no readable unencrypted ECDSA private key");
    }

    [Fact]
    public void Startup_with_a_client_only_certificate_names_the_certificate_file()
    {
        using var dir = new TempDirectory();
        using var ca = TestPki.CreateCa("CA");
        using var client = TestPki.IssueClient(ca, "client");
        var options = Options(dir, dir.Write("tls.crt", TestPki.CertPem(client)), dir.Write("tls.key", TestPki.KeyPem(client)));

        var error = Should.Throw<TlsConfigurationException>(() => ServingCertificateProvider.Start(options, new RecordingLogger()));

        error.Message.ShouldStartWith(options.CertFile + ": ");
        error.Message.ShouldContain("serverAuth");
    }

    [Fact]
    public void A_PEM_file_holding_certificate_and_key_serves_without_a_key_file()
    {
        using var dir = new TempDirectory();
        using var ca = TestPki.CreateCa("CA");
        using var cert = TestPki.IssueServer(ca, "A");
        var options = Options(dir, dir.Write("combined.pem", TestPki.KeyPem(cert) + TestPki.CertPem(cert)), keyFile: null);

        using var provider = ServingCertificateProvider.Start(options, new RecordingLogger());

        provider.Current.Thumbprint.ShouldBe(cert.Thumbprint);
        provider.Current.HasPrivateKey.ShouldBeTrue();
        provider.IsSelfSigned.ShouldBeFalse();
        provider.CaBundlePem.ShouldNotContain("PRIVATE KEY");
    }

    [Fact]
    public void The_CA_bundle_is_ca_crt_beside_the_certificate_plus_the_intermediates()
    {
        using var dir = new TempDirectory();
        using var root = TestPki.CreateCa("root");
        using var intermediate = TestPki.CreateCa("intermediate", issuer: root);
        using var leaf = TestPki.IssueServer(intermediate, "leaf");
        dir.Write("ca.crt", TestPki.CertPem(root));
        var options = Options(dir, dir.Write("tls.crt", TestPki.CertPem(leaf, intermediate)), dir.Write("tls.key", TestPki.KeyPem(leaf)));

        using var provider = ServingCertificateProvider.Start(options, new RecordingLogger());

        provider.CaBundlePem.ShouldBe(TestPki.CertPem(root, intermediate));
        TestPki.ChainsTo(provider.Current, TestPki.ParseBundle(provider.CaBundlePem)).ShouldBeTrue();
    }

    [Fact]
    public void Without_ca_crt_the_CA_bundle_is_the_certificate_chain_itself()
    {
        using var dir = new TempDirectory();
        using var root = TestPki.CreateCa("root");
        using var intermediate = TestPki.CreateCa("intermediate", issuer: root);
        using var leaf = TestPki.IssueServer(intermediate, "leaf");
        var options = Options(dir, dir.Write("tls.crt", TestPki.CertPem(leaf, intermediate)), dir.Write("tls.key", TestPki.KeyPem(leaf)));

        using var provider = ServingCertificateProvider.Start(options, new RecordingLogger());

        provider.CaBundlePem.ShouldBe(TestPki.CertPem(leaf, intermediate));
    }

    private static TlsOptions Options(TempDirectory dir, string certFile, string? keyFile) => new()
    {
        CertFile = certFile,
        KeyFile = keyFile,
        DataDirectory = dir.Combine("data"),
    };
}
