using Guardrails.Policies.Images;

namespace Guardrails.Policies.Tests.Images;

public sealed class ImageReferenceTests
{
    private const string Sha256 = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private const string Sha512 =
        "sha512:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    public static TheoryData<string, string, string, string?, string?> ValidReferences => new()
    {
        { "nginx", "docker.io", "library/nginx", null, null },
        { "busybox", "docker.io", "library/busybox", null, null },
        { "nginx:1.25", "docker.io", "library/nginx", "1.25", null },
        { "docker.io/library/nginx:latest", "docker.io", "library/nginx", "latest", null },
        { "docker.io/nginx", "docker.io", "library/nginx", null, null },
        { "index.docker.io/nginx", "docker.io", "library/nginx", null, null },
        { "library/busybox", "docker.io", "library/busybox", null, null },
        { "bitnami/redis:7.2", "docker.io", "bitnami/redis", "7.2", null },
        { "ghcr.io/kyverno/test-busybox:1.35", "ghcr.io", "kyverno/test-busybox", "1.35", null },
        { "quay.io/prometheus/node-exporter:v1.8.0", "quay.io", "prometheus/node-exporter", "v1.8.0", null },
        { "gcr.io/distroless/static-debian12:nonroot", "gcr.io", "distroless/static-debian12", "nonroot", null },
        { "localhost:5000/app", "localhost:5000", "app", null, null },
        { "localhost/app", "localhost", "app", null, null },
        { "registry.example.com:5000/team/app:v1@" + Sha256, "registry.example.com:5000", "team/app", "v1", Sha256 },
        { "nginx@" + Sha256, "docker.io", "library/nginx", null, Sha256 },
        { "nginx:1.25@" + Sha256, "docker.io", "library/nginx", "1.25", Sha256 },
        { "example.com/app@" + Sha512, "example.com", "app", null, Sha512 },
        { "example.com/app@blake3:0123456789abcdef0123456789ABCDEF", "example.com", "app", null, "blake3:0123456789abcdef0123456789ABCDEF" },
        { "example.com/app@sha256+b64u.v2:0123456789abcdef0123456789abcdef", "example.com", "app", null, "sha256+b64u.v2:0123456789abcdef0123456789abcdef" },
        { "[::1]:5000/app:dev", "[::1]:5000", "app", "dev", null },
        { "[fe80::1]/team/app", "[fe80::1]", "team/app", null, null },
        { "10.0.0.1:5000/a/b/c:tag_1", "10.0.0.1:5000", "a/b/c", "tag_1", null },
        { "Registry.Example.com/app", "Registry.Example.com", "app", null, null },
        { "docker.io:443/app", "docker.io:443", "app", null, null },
        { "a__b/c--d/e.f_g:TAG-1.0", "docker.io", "a__b/c--d/e.f_g", "TAG-1.0", null },
        { "docker.io", "docker.io", "library/docker.io", null, null },
        { "localhost:5000", "docker.io", "library/localhost", "5000", null },
        { "app:" + new string('t', 128), "docker.io", "library/app", new string('t', 128), null },
    };

    [Theory]
    [MemberData(nameof(ValidReferences))]
    public void Parses_and_normalizes_valid_references(string image, string registry, string repository, string? tag, string? digest)
    {
        var reference = ImageReference.Parse(image);

        reference.ShouldBe(new ImageReference(registry, repository, tag, digest));
        reference.FullName.ShouldBe($"{registry}/{repository}");
        reference.HasExplicitTag.ShouldBe(tag is not null);
        reference.HasDigest.ShouldBe(digest is not null);
        ImageReference.Parse(reference.ToString()).ShouldBe(reference);
    }

    [Theory]
    [InlineData("nginx", "docker.io/library/nginx")]
    [InlineData("nginx:1.25", "docker.io/library/nginx:1.25")]
    [InlineData("nginx@" + Sha256, "docker.io/library/nginx@" + Sha256)]
    [InlineData("ghcr.io/org/app:v1@" + Sha256, "ghcr.io/org/app:v1@" + Sha256)]
    [InlineData("index.docker.io/bitnami/redis", "docker.io/bitnami/redis")]
    [InlineData("localhost:5000/app", "localhost:5000/app")]
    public void Prints_the_normalized_form(string image, string expected)
    {
        ImageReference.Parse(image).ToString().ShouldBe(expected);
    }

    [Theory]
    [InlineData("busybox", "latest")]
    [InlineData("nginx:1.25", "1.25")]
    [InlineData("nginx:1.25@" + Sha256, "1.25")]
    [InlineData("nginx@" + Sha256, "")]
    public void Resolves_the_effective_tag(string image, string expected)
    {
        ImageReference.Parse(image).EffectiveTag.ShouldBe(expected);
    }

    [Fact]
    public void Pins_a_digest_only_reference_without_a_tag()
    {
        var reference = ImageReference.Parse("nginx@" + Sha256);

        reference.HasDigest.ShouldBeTrue();
        reference.HasExplicitTag.ShouldBeFalse();
        reference.Tag.ShouldBeNull();
        reference.Digest.ShouldBe(Sha256);
        reference.EffectiveTag.ShouldBe(string.Empty);
    }

    [Fact]
    public void Defaults_an_untagged_reference_to_latest_without_claiming_an_explicit_tag()
    {
        var reference = ImageReference.Parse("busybox");

        reference.HasExplicitTag.ShouldBeFalse();
        reference.EffectiveTag.ShouldBe("latest");
        reference.FullName.ShouldBe("docker.io/library/busybox");
    }

    [Theory]
    [InlineData("", "reference is empty")]
    [InlineData(" ", "must not contain whitespace")]
    [InlineData("nginx ", "must not contain whitespace")]
    [InlineData("ng inx", "must not contain whitespace")]
    [InlineData("nginx\t:1", "must not contain whitespace")]
    [InlineData("Nginx", "repository must be lowercase")]
    [InlineData("ghcr.io/Team/app", "repository must be lowercase")]
    [InlineData("LOCALHOST/app", "repository must be lowercase")]
    [InlineData("nginx:", "tag is empty")]
    [InlineData(":tag", "repository name is empty")]
    [InlineData("@" + Sha256, "repository name is empty")]
    [InlineData("ghcr.io/", "repository name is empty")]
    [InlineData("nginx:-bad", "must start with a letter, digit or '_'")]
    [InlineData("nginx:.bad", "must start with a letter, digit or '_'")]
    [InlineData("nginx:tag!", "use only letters, digits, '_', '.' and '-'")]
    [InlineData("nginx:1.0:2.0", "repository component 'nginx:1.0' is invalid")]
    [InlineData("nginx@sha256:short", "sha256 digest must be 64 lowercase hex characters")]
    [InlineData("nginx@sha256:0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF", "sha256 digest must be 64 lowercase hex characters")]
    [InlineData("nginx@sha512:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "sha512 digest must be 128 lowercase hex characters")]
    [InlineData("nginx@", "expected <algorithm>:<hex>")]
    [InlineData("nginx@sha256", "expected <algorithm>:<hex>")]
    [InlineData("nginx@sha256:", "expected <algorithm>:<hex>")]
    [InlineData("nginx@:0123456789abcdef0123456789abcdef", "expected <algorithm>:<hex>")]
    [InlineData("nginx@SHA256:0123456789abcdef0123456789abcdef", "algorithm must be lowercase")]
    [InlineData("nginx@sha256-:0123456789abcdef0123456789abcdef", "algorithm must be lowercase")]
    [InlineData("nginx@md5:0123456789abcdef", "at least 32 hex characters")]
    [InlineData("nginx@blake3:0123456789abcdef0123456789abcdefXX", "at least 32 hex characters")]
    [InlineData("nginx@a@" + Sha256, "algorithm must be lowercase")]
    [InlineData("nginx/", "repository path has an empty component")]
    [InlineData("/nginx", "repository path has an empty component")]
    [InlineData("team//app", "repository path has an empty component")]
    [InlineData("ngi..nx", "repository component 'ngi..nx' is invalid")]
    [InlineData("ngi___nx", "repository component 'ngi___nx' is invalid")]
    [InlineData("ngi._nx", "repository component 'ngi._nx' is invalid")]
    [InlineData("nginx-", "repository component 'nginx-' is invalid")]
    [InlineData("-nginx", "repository component '-nginx' is invalid")]
    [InlineData("_nginx", "repository component '_nginx' is invalid")]
    [InlineData("team/app!", "repository component 'app!' is invalid")]
    [InlineData("ghcr.io:port/app", "registry 'ghcr.io:port' is invalid: port must be numeric")]
    [InlineData("ghcr.io:/app", "registry 'ghcr.io:' is invalid: port must be numeric")]
    [InlineData("-bad.io/app", "registry '-bad.io' is invalid: host name")]
    [InlineData("bad..io/app", "registry 'bad..io' is invalid: host name")]
    [InlineData("bad_host.io/app", "registry 'bad_host.io' is invalid: host name")]
    [InlineData("[::1/app", "registry '[::1' is invalid: IPv6 address is missing ']'")]
    [InlineData("[zz::1]:5000/app", "IPv6 address may only contain hex digits and ':'")]
    [InlineData("[]:5000/app", "IPv6 address may only contain hex digits and ':'")]
    [InlineData("[::1]x/app", "unexpected text after the IPv6 address")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "image ID, not a repository name")]
    public void Rejects_invalid_references_with_a_reason(string image, string reason)
    {
        ImageReference.TryParse(image, out var reference, out var error).ShouldBeFalse();

        reference.ShouldBeNull();
        error.ShouldStartWith($"image '{image}' is invalid: ");
        error.ShouldContain(reason);
        Should.Throw<FormatException>(() => ImageReference.Parse(image)).Message.ShouldBe(error);
    }

    [Fact]
    public void Names_the_image_and_the_reason_in_the_error()
    {
        ImageReference.TryParse("Nginx", out _, out var error).ShouldBeFalse();

        error.ShouldBe("image 'Nginx' is invalid: repository must be lowercase");
    }

    [Fact]
    public void Rejects_a_tag_longer_than_128_characters()
    {
        ImageReference.TryParse("app:" + new string('t', 129), out _, out var error).ShouldBeFalse();

        error.ShouldContain("tag is longer than 128 characters");
    }

    [Fact]
    public void Rejects_a_name_longer_than_255_characters()
    {
        var image = "example.com/" + string.Join('/', Enumerable.Repeat("abcdefghij", 25));

        ImageReference.TryParse(image, out _, out var error).ShouldBeFalse();

        error.ShouldContain("name is longer than 255 characters");
        error.ShouldContain("...");
    }

    [Fact]
    public void Treats_null_as_empty_without_throwing()
    {
        ImageReference.TryParse(null, out var reference, out var error).ShouldBeFalse();

        reference.ShouldBeNull();
        error.ShouldBe("image '' is invalid: reference is empty");
        Should.Throw<ArgumentNullException>(() => ImageReference.Parse(null!));
    }

    [Fact]
    public void Compares_references_by_value()
    {
        ImageReference.Parse("nginx:1.25").ShouldBe(ImageReference.Parse("docker.io/library/nginx:1.25"));
        ImageReference.Parse("nginx:1.25").ShouldNotBe(ImageReference.Parse("nginx:1.26"));
        ImageReference.Parse("nginx").GetHashCode().ShouldBe(ImageReference.Parse("index.docker.io/library/nginx").GetHashCode());
    }
}
