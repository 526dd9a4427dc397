using FsCheck;
using FsCheck.Fluent;
using Guardrails.Policies.Images;

namespace Guardrails.Policies.Tests.Images;

public sealed class ImageReferencePropertyTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(1000);

    [Fact]
    public void Every_part_of_a_generated_reference_round_trips()
    {
        var property = Prop.ForAll(ImageGenerators.Written.ToArbitrary(), written =>
        {
            var parsed = ImageReference.TryParse(written.Text, out var reference, out _);

            return parsed
                && reference!.Registry == written.ExpectedRegistry
                && reference.Repository == written.ExpectedRepository
                && reference.Tag == written.Tag
                && reference.Digest == written.Digest
                && reference.EffectiveTag == (written.Tag ?? (written.Digest is null ? "latest" : string.Empty))
                && ImageReference.Parse(reference.ToString()) == reference;
        });

        Check.One(Runs, property);
    }

    [Fact]
    public void An_uppercase_letter_in_the_repository_is_always_rejected()
    {
        var cases = ImageGenerators.Written.Zip(Gen.Choose(0, int.MaxValue));
        var property = Prop.ForAll(cases.ToArbitrary(), pair =>
        {
            var (written, seed) = pair;
            var reference = ImageReference.Parse(written.Text);

            // Inserting right after a letter or digit keeps the component grammar intact, so case is the only fault.
            var positions = reference.Repository.Select((c, i) => (c, i)).Where(x => char.IsAsciiLetterOrDigit(x.c)).ToArray();
            var insertAt = positions[seed % positions.Length].i + 1;
            var shouting = $"{reference.Registry}/{reference.Repository.Insert(insertAt, "Q")}";

            return !ImageReference.TryParse(shouting, out _, out var error)
                && error.EndsWith("repository must be lowercase", StringComparison.Ordinal);
        });

        Check.One(Runs, property);
    }

    [Fact]
    public void TryParse_never_throws_on_arbitrary_strings()
    {
        var property = Prop.ForAll(ArbMap.Default.ArbFor<string>(), AcceptsOrExplains);

        Check.One(Runs, property);
    }

    [Fact]
    public void TryParse_never_throws_on_reference_shaped_noise()
    {
        var property = Prop.ForAll(ImageGenerators.Noise.ToArbitrary(), AcceptsOrExplains);

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(5000), property);
    }

    // Whatever the input, the outcome is either a reference whose normal form re-parses to itself or an explanation.
    private static bool AcceptsOrExplains(string? image)
    {
        var accepted = ImageReference.TryParse(image, out var reference, out var error);
        return accepted
            ? error is null && ImageReference.Parse(reference!.ToString()) == reference
            : reference is null && error!.StartsWith("image '", StringComparison.Ordinal);
    }

    private static class ImageGenerators
    {
        private const string Lowercase = "abcdefghijklmnopqrstuvwxyz0123456789";
        private const string WordCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
        private const string LowerHex = "0123456789abcdef";
        private const string NoiseAlphabet = "aZ09.-_:/@[]";

        // Hosts that are unambiguously registries: a dot, "localhost", or an IPv6 literal (ports are added separately).
        private static readonly string[] Hosts =
        [
            "ghcr.io", "quay.io", "registry.example.com", "my-registry.local", "Registry.Example.COM",
            "10.0.0.1", "localhost", "[::1]", "[fe80::1:2]", "docker.io", "index.docker.io",
        ];

        private static Gen<string> Run { get; } = StringOf(Lowercase, 1, 4);

        private static Gen<string> Component { get; } = ComponentWith(".", "_", "__", "-", "--");

        // Without a registry, a dotted first component would itself be read as a registry host.
        private static Gen<string> DotlessComponent { get; } = ComponentWith("_", "__", "-", "--");

        private static Gen<string?> Tag { get; } =
            from first in Gen.Elements(WordCharacters.ToCharArray())
            from rest in StringOf(WordCharacters + ".-", 0, 20)
            select (string?)(first + rest);

        private static Gen<string?> Digest { get; } =
            Gen.OneOf(
                StringOf(LowerHex, 64, 64).Select(hex => (string?)("sha256:" + hex)),
                StringOf(LowerHex, 128, 128).Select(hex => (string?)("sha512:" + hex)));

        private static Gen<string?> Registry { get; } =
            Gen.OneOf(
                Gen.Constant<string?>(null),
                from host in Gen.Elements(Hosts)
                from port in Gen.OneOf(Gen.Constant(string.Empty), Gen.Choose(1, 65535).Select(p => ":" + p))
                select (string?)(host + port));

        // Declared after the generators it draws from: static initializers run in textual order.
        public static Gen<WrittenImage> Written { get; } =
            from registry in Registry
            from componentCount in Gen.Choose(1, 4)
            from first in registry is null && componentCount > 1 ? DotlessComponent : Component
            from rest in Gen.ArrayOf(Component, componentCount - 1)
            from tag in Gen.OneOf(Gen.Constant<string?>(null), Tag)
            from digest in Gen.OneOf(Gen.Constant<string?>(null), Digest)
            select Write(registry, [first, .. rest], tag, digest);

        public static Gen<string> Noise { get; } =
            from length in Gen.Choose(0, 24)
            from characters in Gen.ArrayOf(Gen.Elements(NoiseAlphabet.ToCharArray()), length)
            select new string(characters);

        private static Gen<string> ComponentWith(params string[] separators) =>
            from head in Run
            from tail in Gen.ArrayOf(
                from separator in Gen.Elements(separators)
                from run in Run
                select separator + run,
                2)
            from parts in Gen.Choose(0, 2)
            select head + string.Concat(tail.Take(parts));

        private static Gen<string> StringOf(string alphabet, int minLength, int maxLength) =>
            from length in Gen.Choose(minLength, maxLength)
            from characters in Gen.ArrayOf(Gen.Elements(alphabet.ToCharArray()), length)
            select new string(characters);

        private static WrittenImage Write(string? registry, string[] components, string? tag, string? digest)
        {
            var path = string.Join('/', components);
            var text = (registry is null ? string.Empty : registry + "/")
                + path
                + (tag is null ? string.Empty : ":" + tag)
                + (digest is null ? string.Empty : "@" + digest);

            // The documented normalization, spelled out independently of the parser.
            var expectedRegistry = registry is null or "docker.io" or "index.docker.io" ? "docker.io" : registry;
            var expectedRepository = expectedRegistry == "docker.io" && components.Length == 1 ? "library/" + path : path;
            return new WrittenImage(text, expectedRegistry, expectedRepository, tag, digest);
        }
    }

    private sealed record WrittenImage(string Text, string ExpectedRegistry, string ExpectedRepository, string? Tag, string? Digest);
}
