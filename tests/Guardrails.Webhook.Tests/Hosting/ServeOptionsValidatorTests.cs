using Guardrails.Webhook.Hosting;

namespace Guardrails.Webhook.Tests.Hosting;

/// <summary>Invalid serve options are all reported at once, each naming its option, before anything starts.</summary>
public sealed class ServeOptionsValidatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("guardrails-serve-options-").FullName;

    [Fact]
    public void Valid_options_have_no_errors()
    {
        ServeOptionsValidator.Validate(new ServeOptions { PoliciesDirectory = _dir, DataDirectory = _dir }).ShouldBeEmpty();
    }

    [Fact]
    public void Every_invalid_option_is_reported_with_its_name()
    {
        var missing = Path.Combine(_dir, "missing");
        var errors = ServeOptionsValidator.Validate(new ServeOptions
        {
            PoliciesDirectory = missing,
            DataDirectory = " ",
            Urls = ["http://127.0.0.1:0", "https://127.0.0.1:0"],
            CertFile = Path.Combine(_dir, "tls.crt"),
            ClientCaFile = Path.Combine(_dir, "ca.crt"),
            KubeContext = "prod",
            MaxRequestBodyBytes = 10,
            OwnNamespace = "Guard_rails",
        });

        errors.ShouldBe(
        [
            $"--policies: directory '{missing}' does not exist",
            "--data-dir must not be empty",
            "--urls: 'http://127.0.0.1:0' is not https://; the apiserver only calls webhooks over TLS",
            "--tls-cert-file and --tls-key-file go together",
            $"--tls-cert-file: '{Path.Combine(_dir, "tls.crt")}' does not exist",
            $"--client-ca-file: '{Path.Combine(_dir, "ca.crt")}' does not exist",
            "--context needs --kubeconfig",
            "--max-body-bytes must be between 1 KiB and 512 MiB",
            "--namespace 'Guard_rails' is not a valid namespace name",
        ]);
    }

    [Theory]
    [InlineData("guardrails", true)]
    [InlineData("team-1", true)]
    [InlineData("a", true)]
    [InlineData("-team", false)]
    [InlineData("team-", false)]
    [InlineData("Team", false)]
    [InlineData("", false)]
    public void Namespace_names_follow_the_kubernetes_pattern(string name, bool valid)
    {
        var errors = ServeOptionsValidator.Validate(new ServeOptions { PoliciesDirectory = _dir, DataDirectory = _dir, OwnNamespace = name });

        errors.Count.ShouldBe(valid ? 0 : 1);
    }

    [Fact]
    public void No_urls_and_both_cluster_sources_are_refused()
    {
        var kubeconfig = Path.Combine(_dir, "kubeconfig");
        File.WriteAllText(kubeconfig, "");
        var errors = ServeOptionsValidator.Validate(new ServeOptions { PoliciesDirectory = _dir, DataDirectory = _dir, Urls = [], InCluster = true, Kubeconfig = kubeconfig });

        errors.ShouldBe(["--urls must name at least one address", "--in-cluster and --kubeconfig are alternatives; give one"]);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
