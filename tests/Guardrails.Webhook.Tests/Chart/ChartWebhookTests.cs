using Guardrails.Tests;
using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Hosting.Tls;
using Guardrails.Webhook.Tests.Hosting.Tls;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Webhook.Tests.Chart;

/// <summary>The chart registers the webhooks for exactly what <c>guardrails serve</c> prints: nothing judged one way and not the other.</summary>
public sealed class ChartWebhookTests
{
    [Fact]
    public void The_chart_and_the_printed_manifests_send_the_same_requests_for_the_shipped_packs()
    {
        using var ca = TestPki.CreateCa("chart test CA");
        var shipped = PackDirectory.Load(RepoPaths.Policies).Policy!;
        var printed = new YamlStream();
        printed.Load(new StringReader(WebhookManifests.Render(TestPki.CertPem(ca), new WebhookManifestOptions { Url = "https://127.0.0.1:8443" }, WebhookRuleSet.From(shipped))));
        var expected = Rules(Webhook((YamlMappingNode)printed.Documents.ShouldHaveSingleItem("the shipped packs mutate nothing: no mutating configuration").RootNode));

        var chart = new YamlStream();
        chart.Load(new StringReader(ChartTemplate.Render("webhooks.yaml")));
        var actual = Rules(Webhook((YamlMappingNode)chart.Documents.ShouldHaveSingleItem("the template's range body, read once").RootNode));

        // The naive render keeps the validating-only block, so it reads as the validating configuration.
        actual.ShouldBe(expected);
        actual.ShouldContain(r => r.Contains("environments", StringComparison.Ordinal));
        ChartTemplate.Source("webhooks.yaml").ShouldContain("{{- if eq $kind \"ValidatingWebhookConfiguration\" }}\n      - apiGroups: [\"autoscaling\"]");
    }

    [Fact]
    public void The_chart_registers_no_mutating_webhook_unless_asked()
    {
        ChartTemplate.Source("webhooks.yaml").ShouldContain("{{- if or (eq $kind \"ValidatingWebhookConfiguration\") $.Values.webhook.mutating }}");
        File.ReadAllText(Path.Combine(RepoPaths.Root, "charts", "guardrails", "values.yaml")).ShouldContain("\n  mutating: false\n");
    }

    private static YamlMappingNode Webhook(YamlMappingNode configuration) =>
        (YamlMappingNode)((YamlSequenceNode)configuration["webhooks"]).Children.ShouldHaveSingleItem();

    /// <summary>Each rule as one comparable line: groups, versions, operations, resources, scope.</summary>
    private static List<string> Rules(YamlMappingNode webhook) =>
        [.. ((YamlSequenceNode)webhook["rules"]).Children.Cast<YamlMappingNode>()
            .Select(rule => string.Join(" | ", new[] { "apiGroups", "apiVersions", "operations", "resources" }
                .Select(key => string.Join(",", ((YamlSequenceNode)rule[key]).Children.Cast<YamlScalarNode>().Select(s => s.Value)))
                .Append(((YamlScalarNode)rule["scope"]).Value)))
            .Order(StringComparer.Ordinal)];
}
