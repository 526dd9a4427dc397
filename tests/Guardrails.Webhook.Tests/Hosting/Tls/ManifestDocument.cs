using YamlDotNet.RepresentationModel;

namespace Guardrails.Webhook.Tests.Hosting.Tls;

/// <summary>One parsed webhook configuration and its single webhook.</summary>
internal sealed record ManifestDocument(YamlMappingNode Root)
{
    public string Kind => Root.Get("kind");

    public YamlMappingNode Webhook => (YamlMappingNode)((YamlSequenceNode)Root["webhooks"]).Children.ShouldHaveSingleItem();
}
