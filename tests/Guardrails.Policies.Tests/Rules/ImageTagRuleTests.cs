using Guardrails.Policies.Tests.Support;

namespace Guardrails.Policies.Tests.Rules;

public sealed class ImageTagRuleTests
{
    private static readonly Guardrails.Policies.Engine.CompiledPolicy Default = Policy.Compile(Policy.Pack("image-tag"));

    private static Guardrails.Policies.Engine.Verdict PodWithImage(string image, Guardrails.Policies.Engine.CompiledPolicy? policy = null) => (policy ?? Default).Evaluate($$"""
        apiVersion: v1
        kind: Pod
        metadata: { name: web }
        spec:
          containers: [{ name: app, image: "{{image}}" }]
        """);

    [Fact]
    public void Denies_image_without_tag_because_it_means_latest()
    {
        var violation = PodWithImage("nginx").Violations.ShouldHaveSingleItem();

        violation.Path.ShouldBe("spec.containers[0].image");
        violation.Actual.ShouldBe("nginx");
        violation.Message.ShouldBe("container 'app' image 'nginx' has no tag, so it pulls 'latest'");
        violation.Fix.ShouldContain("nginx:1.2.3");
    }

    [Fact]
    public void Denies_latest_tag()
    {
        var violation = PodWithImage("ghcr.io/acme/api:latest").Violations.ShouldHaveSingleItem();

        violation.Message.ShouldBe("container 'app' image 'ghcr.io/acme/api:latest' uses the tag 'latest', which moves and pins nothing");
        violation.Fix.ShouldContain("ghcr.io/acme/api:1.2.3");
    }

    [Theory]
    [InlineData("nginx:1.27.3")]
    [InlineData("localhost:5000/team/app:v2")]
    [InlineData("nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31")]
    [InlineData("nginx:latest@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31")]
    public void Allows_pinned_images(string image)
    {
        PodWithImage(image).Violations.ShouldBeEmpty();
    }

    [Fact]
    public void A_registry_port_is_not_a_tag()
    {
        PodWithImage("localhost:5000/app").Violations.ShouldHaveSingleItem().Message.ShouldContain("has no tag");
    }

    [Fact]
    public void Exempt_images_match_globs()
    {
        var policy = Policy.Compile(Policy.Pack("image-tag", "          exemptImages: [\"registry.k8s.io/pause*\"]"));

        PodWithImage("registry.k8s.io/pause", policy).Violations.ShouldBeEmpty();
        PodWithImage("registry.k8s.io/etcd", policy).Violations.ShouldHaveSingleItem();
    }

    [Fact]
    public void Disallowed_tags_are_configurable()
    {
        var policy = Policy.Compile(Policy.Pack("image-tag", "          disallowedTags: [latest, main]"));

        PodWithImage("acme/app:main", policy).Violations.ShouldHaveSingleItem().Message.ShouldContain("'main'");
    }

    [Fact]
    public void Denies_invalid_image_reference_naming_it()
    {
        PodWithImage("Nginx:1.0").Violations.ShouldHaveSingleItem().Message.ShouldContain("Nginx");
    }
}
