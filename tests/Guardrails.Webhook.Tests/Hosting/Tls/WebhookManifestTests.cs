using System.Diagnostics;
using System.Text;
using Guardrails.Webhook.Hosting.Tls;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Webhook.Tests.Hosting.Tls;

public sealed class WebhookManifestTests
{
    private static readonly string CaPem = MakeCaPem();

    [Fact]
    public void Url_manifests_carry_the_CA_bundle_and_the_two_paths()
    {
        var documents = Parse(WebhookManifests.Render(CaPem, new WebhookManifestOptions { Url = "https://127.0.0.1:8443" }));

        documents.Select(d => d.Kind).ShouldBe(["ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"]);
        foreach (var document in documents)
        {
            document.Root.Get("apiVersion").ShouldBe("admissionregistration.k8s.io/v1");
            var clientConfig = (YamlMappingNode)document.Webhook["clientConfig"];
            Encoding.UTF8.GetString(Convert.FromBase64String(clientConfig.Get("caBundle"))).ShouldBe(CaPem);
            clientConfig.Children.ContainsKey("service").ShouldBeFalse();
        }

        documents[0].Webhook.Get("name").ShouldBe("guardrails-validate.guardrails.dev");
        ((YamlMappingNode)documents[0].Webhook["clientConfig"]).Get("url").ShouldBe("https://127.0.0.1:8443/validate");
        documents[1].Webhook.Get("name").ShouldBe("guardrails-mutate.guardrails.dev");
        ((YamlMappingNode)documents[1].Webhook["clientConfig"]).Get("url").ShouldBe("https://127.0.0.1:8443/mutate");
    }

    [Fact]
    public void Service_manifests_name_the_service_namespace_path_and_port()
    {
        var options = new WebhookManifestOptions { ServiceName = "guardrails", ServicePort = 8443, OwnNamespace = "policy-system" };

        var documents = Parse(WebhookManifests.Render(CaPem, options));

        foreach (var (document, path) in documents.Zip(["/validate", "/mutate"]))
        {
            var clientConfig = (YamlMappingNode)document.Webhook["clientConfig"];
            clientConfig.Children.ContainsKey("url").ShouldBeFalse();
            var service = (YamlMappingNode)clientConfig["service"];
            service.Get("name").ShouldBe("guardrails");
            service.Get("namespace").ShouldBe("policy-system");
            service.Get("path").ShouldBe(path);
            service.Get("port").ShouldBe("8443");
        }
    }

    [Fact]
    public void Defaults_are_no_side_effects_v1_reviews_five_seconds_and_fail_closed()
    {
        foreach (var document in Parse(WebhookManifests.Render(CaPem, new WebhookManifestOptions { Url = "https://127.0.0.1:8443" })))
        {
            document.Webhook.Get("sideEffects").ShouldBe("None");
            document.Webhook.List("admissionReviewVersions").ShouldBe(["v1"]);
            document.Webhook.Get("timeoutSeconds").ShouldBe("5");
            document.Webhook.Get("failurePolicy").ShouldBe("Fail");
        }

        var relaxed = Parse(WebhookManifests.Render(CaPem, new WebhookManifestOptions { Url = "https://127.0.0.1:8443", TimeoutSeconds = 12, FailurePolicy = "Ignore" }));
        relaxed.ShouldAllBe(d => d.Webhook.Get("timeoutSeconds") == "12" && d.Webhook.Get("failurePolicy") == "Ignore");
    }

    [Fact]
    public void System_namespaces_and_our_own_are_left_alone()
    {
        var options = new WebhookManifestOptions { ServiceName = "guardrails", OwnNamespace = "policy-system" };

        foreach (var document in Parse(WebhookManifests.Render(CaPem, options)))
        {
            var selector = (YamlMappingNode)document.Webhook["namespaceSelector"];
            var expression = (YamlMappingNode)((YamlSequenceNode)selector["matchExpressions"]).Children.ShouldHaveSingleItem();
            expression.Get("key").ShouldBe("kubernetes.io/metadata.name");
            expression.Get("operator").ShouldBe("NotIn");
            expression.List("values").ShouldBe(["kube-system", "kube-public", "kube-node-lease", "policy-system"]);
        }
    }

    [Fact]
    public void Rules_cover_creating_and_updating_workloads_their_scale_and_ephemeral_containers_and_validate_environments()
    {
        foreach (var document in Parse(WebhookManifests.Render(CaPem, new WebhookManifestOptions { Url = "https://127.0.0.1:8443" })))
        {
            var validating = document.Kind == "ValidatingWebhookConfiguration";
            var rules = ((YamlSequenceNode)document.Webhook["rules"]).Children.Cast<YamlMappingNode>().ToList();
            rules.ShouldAllBe(r => r.List("operations").SequenceEqual(new[] { "CREATE", "UPDATE" }));
            var covered = rules.SelectMany(r => r.List("resources").Select(resource =>
                $"{r.List("apiGroups").Single()}/{r.List("apiVersions").Single()}/{resource}")).ToList();

            covered.ShouldBe(
            [
                "/v1/pods", "/v1/pods/ephemeralcontainers", "/v1/replicationcontrollers", "/v1/replicationcontrollers/scale", "/v1/podtemplates",
                "apps/v1/deployments", "apps/v1/deployments/scale", "apps/v1/statefulsets", "apps/v1/statefulsets/scale",
                "apps/v1/daemonsets", "apps/v1/replicasets", "apps/v1/replicasets/scale",
                "batch/v1/jobs", "batch/v1/cronjobs",
                .. (validating ? new[] { "autoscaling/v2/horizontalpodautoscalers", "guardrails.dev/v1alpha1/environments" } : []),
            ],
            ignoreOrder: true);
        }
    }

    [Theory]
    [InlineData("both", "set exactly one")]
    [InlineData("neither", "set exactly one")]
    [InlineData("http", "must be an https URL")]
    [InlineData("timeout", "between 1 and 30")]
    [InlineData("policy", "Fail or Ignore")]
    [InlineData("namespace", "not a Kubernetes name")]
    public void Options_the_API_server_would_reject_are_refused(string mistake, string message)
    {
        var options = mistake switch
        {
            "both" => new WebhookManifestOptions { Url = "https://127.0.0.1:8443", ServiceName = "guardrails" },
            "neither" => new WebhookManifestOptions(),
            "http" => new WebhookManifestOptions { Url = "http://127.0.0.1:8443" },
            "timeout" => new WebhookManifestOptions { Url = "https://127.0.0.1:8443", TimeoutSeconds = 31 },
            "policy" => new WebhookManifestOptions { Url = "https://127.0.0.1:8443", FailurePolicy = "fail" },
            _ => new WebhookManifestOptions { ServiceName = "guardrails", OwnNamespace = "Policy_System" },
        };

        Should.Throw<ArgumentException>(() => WebhookManifests.Render(CaPem, options)).Message.ShouldContain(message);
    }

    [Fact]
    public void A_bundle_with_a_private_key_is_never_published()
    {
        var leaked = CaPem + "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";

        Should.Throw<ArgumentException>(() => WebhookManifests.Render(leaked, new WebhookManifestOptions { Url = "https://127.0.0.1:8443" }))
            .Message.ShouldContain("private key");
    }

    [Fact]
    public async Task Kubectl_reads_both_documents()
    {
        var kubectl = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "kubectl"))
            .FirstOrDefault(File.Exists);
        if (kubectl is null)
        {
            Assert.Skip("kubectl is not on PATH");
        }

        using var dir = new TempDirectory();
        var file = dir.Write("webhooks.yaml", WebhookManifests.Render(CaPem, new WebhookManifestOptions { ServiceName = "guardrails" }));

        // apply/create --dry-run=client still ask a server for the schema; a --local edit parses and decodes offline.
        var start = new ProcessStartInfo(kubectl) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "annotate", "--local", "-f", file, "guardrails.dev/checked=true", "-o", "name" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(30));
        var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
        var stderr = await process.StandardError.ReadToEndAsync(limit.Token);
        await process.WaitForExitAsync(limit.Token);
        process.ExitCode.ShouldBe(0, $"kubectl failed: {stderr}");
        (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldBe(
        [
            "validatingwebhookconfiguration.admissionregistration.k8s.io/guardrails",
            "mutatingwebhookconfiguration.admissionregistration.k8s.io/guardrails",
        ]);
    }

    private static List<ManifestDocument> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents.Select(d => new ManifestDocument((YamlMappingNode)d.RootNode))];
    }

    private static string MakeCaPem()
    {
        using var ca = TestPki.CreateCa("manifest CA");
        return TestPki.CertPem(ca);
    }
}
