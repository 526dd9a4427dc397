using System.Diagnostics.CodeAnalysis;

namespace Guardrails.Policies.Images;

/// <summary>
/// A container image reference normalized the way Docker and containerd resolve it
/// (<c>nginx</c> is <c>docker.io/library/nginx</c>).
/// </summary>
/// <param name="Registry">The registry host, with port if any; <c>docker.io</c> when none was written.</param>
/// <param name="Repository">The repository path, with <c>library/</c> added for single-component Docker Hub names.</param>
/// <param name="Tag">The tag as written, or null.</param>
/// <param name="Digest">The digest (<c>algorithm:hex</c>) as written, or null.</param>
public sealed record ImageReference(string Registry, string Repository, string? Tag, string? Digest)
{
    public bool HasDigest => Digest is not null;

    public bool HasExplicitTag => Tag is not null;

    /// <summary>The tag, or <c>latest</c> when neither tag nor digest was given; empty when pinned by digest only.</summary>
    public string EffectiveTag => Tag ?? (Digest is null ? "latest" : string.Empty);

    /// <summary>Registry and repository, e.g. <c>docker.io/library/nginx</c>.</summary>
    public string FullName => string.Concat(Registry, "/", Repository);

    /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
    /// <exception cref="FormatException"><paramref name="image"/> is not a valid reference; the message says why.</exception>
    public static ImageReference Parse(string image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return TryParse(image, out var reference, out var error) ? reference : throw new FormatException(error);
    }

    /// <param name="image">The reference to parse.</param>
    /// <param name="reference">The normalized reference on success.</param>
    /// <param name="error">Names the image and the reason, e.g. <c>image 'Nginx' is invalid: repository must be lowercase</c>.</param>
    public static bool TryParse(
        string? image,
        [NotNullWhen(true)] out ImageReference? reference,
        [NotNullWhen(false)] out string? error) =>
        ImageReferenceParser.TryParse(image, out reference, out error);

    /// <summary>The normalized form <c>registry/repository[:tag][@digest]</c>.</summary>
    public override string ToString() =>
        (Tag, Digest) switch
        {
            (null, null) => FullName,
            (_, null) => $"{Registry}/{Repository}:{Tag}",
            (null, _) => $"{Registry}/{Repository}@{Digest}",
            _ => $"{Registry}/{Repository}:{Tag}@{Digest}",
        };
}
