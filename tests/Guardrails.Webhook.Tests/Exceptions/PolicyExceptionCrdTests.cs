using Guardrails.Policies.Engine;
using Guardrails.Policies.Packs;
using Guardrails.Tests;
using Guardrails.Webhook.Exceptions;
using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Hosting.Tls;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Webhook.Tests.Exceptions;

public sealed class PolicyExceptionCrdTests
{
    private static readonly string Source = Path.Combine(RepoPaths.Root, "deploy", "crds", "policyexceptions.guardrails.dev.yaml");

    [Fact]
    public void Serve_prints_the_same_CRD_that_deploy_and_the_chart_hold()
    {
        PolicyExceptionCrd.Yaml.ShouldBe(File.ReadAllText(Source).TrimEnd());
        var inChart = new FileInfo(Path.Combine(RepoPaths.Root, "charts", "guardrails", "crds", "policyexceptions.guardrails.dev.yaml"));
        inChart.LinkTarget.ShouldBe("../../../deploy/crds/policyexceptions.guardrails.dev.yaml");
    }

    [Fact]
    public void The_CRD_is_namespaced_with_a_status_subresource_and_the_fields_the_reader_reads()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(PolicyExceptionCrd.Yaml));
        var spec = (YamlMappingNode)((YamlMappingNode)stream.Documents.Single().RootNode)["spec"];
        ((YamlScalarNode)spec["scope"]).Value.ShouldBe("Namespaced");
        ((YamlScalarNode)spec["group"]).Value.ShouldBe("guardrails.dev");
        var version = (YamlMappingNode)((YamlSequenceNode)spec["versions"]).Children.Single();
        ((YamlMappingNode)version["subresources"]).Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value).ShouldBe(["status"]);
        var properties = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)version["schema"])["openAPIV3Schema"])["properties"])["spec"])["properties"];
        properties.Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value).ShouldBe(["rule", "target", "fields", "image", "reason", "ticket", "expires"]);
    }

    [Fact]
    public void The_webhooks_receive_PolicyExceptions_only_when_a_rule_allows_them()
    {
        var shipped = PackDirectory.Load(RepoPaths.Policies).Policy!;
        WebhookRuleSet.From(shipped).Validating.ShouldNotContain(r => r.Resources.Contains("policyexceptions"));

        var bounded = PolicyCompiler.Compile([new PackSource("pack.yaml", ExceptionHarness.Pack)]).Policy!;
        var rules = WebhookRuleSet.From(bounded);

        rules.Validating.ShouldContain(r => r.Group == "guardrails.dev" && r.Resources.SequenceEqual(new[] { "policyexceptions" }) && r.Operations.SequenceEqual(new[] { "CREATE", "UPDATE" }));
        rules.Mutating.ShouldNotBeNull().ShouldContain(r => r.Resources.SequenceEqual(new[] { "policyexceptions" }));
    }
}
