using Guardrails.Webhook.Cli;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Webhook.Tests.Chart;

/// <summary>The chart's Deployment starts Guardrails with options <c>serve</c> really has.</summary>
public sealed class ChartDeploymentTests
{
    [Fact]
    public void The_chart_starts_serve_with_options_it_knows()
    {
        var args = Container()["args"].ShouldBeOfType<YamlSequenceNode>().Children.Cast<YamlScalarNode>().Select(a => a.Value!).ToList();
        args[0].ShouldBe("serve");

        var parsed = ServeCommand.Create(TextWriter.Null, TextWriter.Null).Parse(args.Skip(1).ToArray());

        parsed.Errors.Select(e => e.Message).ShouldBeEmpty();
        parsed.UnmatchedTokens.ShouldBeEmpty("an unknown option would be handed to the host and silently ignored");
        args.ShouldContain("--in-cluster");
        args.ShouldContain("--namespace=guardrails");
    }

    [Fact]
    public void The_pod_knows_its_name_for_the_provisioning_lease_and_its_namespace()
    {
        var env = Container()["env"].ShouldBeOfType<YamlSequenceNode>().Children.Cast<YamlMappingNode>()
            .Where(e => e.Children.ContainsKey(new YamlScalarNode("valueFrom")))
            .ToDictionary(e => ((YamlScalarNode)e["name"]).Value!, e => ((YamlScalarNode)((YamlMappingNode)((YamlMappingNode)e["valueFrom"])["fieldRef"])["fieldPath"]).Value);

        env["POD_NAME"].ShouldBe("metadata.name");
        env["POD_NAMESPACE"].ShouldBe("metadata.namespace");
    }

    [Fact]
    public void The_chart_keeps_ASP_NET_Core_request_logs_off_decisions_at_Information_and_stderr_batched()
    {
        var env = Container()["env"].ShouldBeOfType<YamlSequenceNode>().Children.Cast<YamlMappingNode>()
            .Where(e => e.Children.ContainsKey(new YamlScalarNode("value")))
            .ToDictionary(e => ((YamlScalarNode)e["name"]).Value!, e => ((YamlScalarNode)e["value"]).Value);

        env["Logging__LogLevel__Default"].ShouldBe("Information");
        env["Logging__LogLevel__Microsoft.AspNetCore"].ShouldBe("Warning");
        env["Logging__Console__Batched"].ShouldBe("true");
    }

    private static YamlMappingNode Container()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(ChartTemplate.Render("deployment.yaml")));
        var deployment = (YamlMappingNode)stream.Documents.ShouldHaveSingleItem().RootNode;
        var pod = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)deployment["spec"])["template"])["spec"];
        return (YamlMappingNode)((YamlSequenceNode)pod["containers"]).Children.ShouldHaveSingleItem();
    }
}
