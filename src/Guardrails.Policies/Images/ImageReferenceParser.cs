using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace Guardrails.Policies.Images;

/// <summary>
/// Implements the distribution/reference grammar and Docker Hub normalization
/// (<c>ParseNormalizedNamed</c>) without regular expressions, so hostile input costs linear time.
/// </summary>
internal static class ImageReferenceParser
{
    private const string DefaultRegistry = "docker.io";
    private const string LegacyDefaultRegistry = "index.docker.io";
    private const string OfficialRepositoryPrefix = "library/";
    private const string Localhost = "localhost";
    private const int MaxNameLength = 255;
    private const int MaxTagLength = 128;
    private const int MinDigestHexLength = 32;
    private const int ImageIdLength = 64;
    private const int MaxDisplayLength = 100;

    private static readonly SearchValues<char> HexCharacters = SearchValues.Create("0123456789abcdefABCDEF");
    private static readonly SearchValues<char> Ipv6Characters = SearchValues.Create("0123456789abcdefABCDEF:");

    public static bool TryParse(
        string? image,
        [NotNullWhen(true)] out ImageReference? reference,
        [NotNullWhen(false)] out string? error)
    {
        var reason = Parse(image ?? string.Empty, out reference);
        error = reason is null ? null : $"image '{Truncate(image)}' is invalid: {reason}";
        return reason is null;
    }

    private static string? Parse(string image, out ImageReference? reference)
    {
        reference = null;
        if (image.Length == 0)
        {
            return "reference is empty";
        }

        var text = image.AsSpan();
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                return "must not contain whitespace";
            }
        }

        string? digest = null;
        var at = text.IndexOf('@');
        if (at >= 0)
        {
            var digestText = text[(at + 1)..];
            var digestError = ValidateDigest(digestText);
            if (digestError is not null)
            {
                return digestError;
            }

            digest = digestText.ToString();
            text = text[..at];
        }

        // A colon before the last slash belongs to a registry port (localhost:5000/app), not a tag.
        string? tag = null;
        var colon = text.LastIndexOf(':');
        if (colon > text.LastIndexOf('/'))
        {
            var tagText = text[(colon + 1)..];
            var tagError = ValidateTag(tagText);
            if (tagError is not null)
            {
                return tagError;
            }

            tag = tagText.ToString();
            text = text[..colon];
        }

        if (text.IsEmpty)
        {
            return "repository name is empty";
        }

        if (text.Length > MaxNameLength)
        {
            return $"name is longer than {MaxNameLength} characters";
        }

        if (digest is null && tag is null && IsImageId(text))
        {
            return "a 64-character hexadecimal string is an image ID, not a repository name";
        }

        var registry = DefaultRegistry;
        var isDockerHub = true;
        var path = text;
        var slash = text.IndexOf('/');
        if (slash >= 0 && IsRegistryHost(text[..slash]))
        {
            var host = text[..slash];
            var hostError = ValidateRegistry(host);
            if (hostError is not null)
            {
                return $"registry '{Truncate(host)}' is invalid: {hostError}";
            }

            isDockerHub = host.SequenceEqual(DefaultRegistry) || host.SequenceEqual(LegacyDefaultRegistry);
            registry = isDockerHub ? DefaultRegistry : host.ToString();
            path = text[(slash + 1)..];
        }

        var pathError = ValidatePath(path);
        if (pathError is not null)
        {
            return pathError;
        }

        var repository = isDockerHub && !path.Contains('/')
            ? string.Concat(OfficialRepositoryPrefix, path)
            : path.ToString();
        reference = new ImageReference(registry, repository, tag, digest);
        return null;
    }

    private static bool IsRegistryHost(ReadOnlySpan<char> firstComponent) =>
        firstComponent.ContainsAny('.', ':') || firstComponent.SequenceEqual(Localhost);

    private static bool IsImageId(ReadOnlySpan<char> text) =>
        text.Length == ImageIdLength && IsLowerHex(text);

    private static string? ValidateDigest(ReadOnlySpan<char> digest)
    {
        var colon = digest.IndexOf(':');
        if (colon <= 0 || colon == digest.Length - 1)
        {
            return $"digest '{Truncate(digest)}' is invalid: expected <algorithm>:<hex>";
        }

        var algorithm = digest[..colon];
        var hex = digest[(colon + 1)..];
        if (!IsValidDigestAlgorithm(algorithm))
        {
            return $"digest '{Truncate(digest)}' is invalid: algorithm must be lowercase letters and digits separated by '+', '.', '_' or '-'";
        }

        var reason = algorithm switch
        {
            "sha256" when hex.Length != 64 || !IsLowerHex(hex) => "sha256 digest must be 64 lowercase hex characters",
            "sha512" when hex.Length != 128 || !IsLowerHex(hex) => "sha512 digest must be 128 lowercase hex characters",
            "sha256" or "sha512" => null,
            _ when hex.Length < MinDigestHexLength || hex.ContainsAnyExcept(HexCharacters) =>
                $"the encoded part must be at least {MinDigestHexLength} hex characters",
            _ => null,
        };
        return reason is null ? null : $"digest '{Truncate(digest)}' is invalid: {reason}";
    }

    // [a-z0-9]+([+._-][a-z0-9]+)*
    private static bool IsValidDigestAlgorithm(ReadOnlySpan<char> algorithm)
    {
        var previousWasSeparator = true;
        foreach (var c in algorithm)
        {
            var isSeparator = c is '+' or '.' or '_' or '-';
            if (isSeparator ? previousWasSeparator : !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
            {
                return false;
            }

            previousWasSeparator = isSeparator;
        }

        return !previousWasSeparator;
    }

    // [\w][\w.-]{0,127} with RE2's ASCII-only \w.
    private static string? ValidateTag(ReadOnlySpan<char> tag)
    {
        if (tag.IsEmpty)
        {
            return "tag is empty";
        }

        if (tag.Length > MaxTagLength)
        {
            return $"tag is longer than {MaxTagLength} characters";
        }

        if (!IsWordCharacter(tag[0]))
        {
            return $"tag '{Truncate(tag)}' is invalid: must start with a letter, digit or '_'";
        }

        foreach (var c in tag)
        {
            if (!IsWordCharacter(c) && c is not '.' and not '-')
            {
                return $"tag '{Truncate(tag)}' is invalid: use only letters, digits, '_', '.' and '-'";
            }
        }

        return null;
    }

    private static bool IsWordCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    // host[:port] where host is a DNS name or a bracketed IPv6 literal.
    private static string? ValidateRegistry(ReadOnlySpan<char> registry)
    {
        ReadOnlySpan<char> port;
        var hasPort = false;
        if (registry[0] == '[')
        {
            var close = registry.IndexOf(']');
            if (close < 0)
            {
                return "IPv6 address is missing ']'";
            }

            var address = registry[1..close];
            if (address.IsEmpty || address.ContainsAnyExcept(Ipv6Characters))
            {
                return "IPv6 address may only contain hex digits and ':'";
            }

            var rest = registry[(close + 1)..];
            if (!rest.IsEmpty && rest[0] != ':')
            {
                return "unexpected text after the IPv6 address";
            }

            hasPort = !rest.IsEmpty;
            port = hasPort ? rest[1..] : default;
        }
        else
        {
            var colon = registry.IndexOf(':');
            var host = colon < 0 ? registry : registry[..colon];
            hasPort = colon >= 0;
            port = hasPort ? registry[(colon + 1)..] : default;
            foreach (var label in host.Split('.'))
            {
                if (!IsValidHostLabel(host[label]))
                {
                    return "host name must be dot-separated labels of letters, digits and inner '-'";
                }
            }
        }

        if (hasPort && (port.IsEmpty || port.ContainsAnyExceptInRange('0', '9')))
        {
            return "port must be numeric";
        }

        return null;
    }

    // [a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
    private static bool IsValidHostLabel(ReadOnlySpan<char> label)
    {
        if (label.IsEmpty || !char.IsAsciiLetterOrDigit(label[0]) || !char.IsAsciiLetterOrDigit(label[^1]))
        {
            return false;
        }

        foreach (var c in label)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    private static string? ValidatePath(ReadOnlySpan<char> path)
    {
        if (path.IsEmpty)
        {
            return "repository name is empty";
        }

        if (path.ContainsAnyInRange('A', 'Z'))
        {
            return "repository must be lowercase";
        }

        foreach (var range in path.Split('/'))
        {
            var component = path[range];
            if (component.IsEmpty)
            {
                return "repository path has an empty component";
            }

            if (!IsValidPathComponent(component))
            {
                return $"repository component '{Truncate(component)}' is invalid: use lowercase letters and digits, separated by '.', '_', '__' or dashes";
            }
        }

        return null;
    }

    // [a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*
    private static bool IsValidPathComponent(ReadOnlySpan<char> component)
    {
        var i = 0;
        while (true)
        {
            var runStart = i;
            while (i < component.Length && (char.IsAsciiLetterLower(component[i]) || char.IsAsciiDigit(component[i])))
            {
                i++;
            }

            if (i == runStart)
            {
                return false;
            }

            if (i == component.Length)
            {
                return true;
            }

            switch (component[i])
            {
                case '.':
                    i++;
                    break;
                case '_':
                    i += i + 1 < component.Length && component[i + 1] == '_' ? 2 : 1;
                    break;
                case '-':
                    while (i < component.Length && component[i] == '-')
                    {
                        i++;
                    }

                    break;
                default:
                    return false;
            }
        }
    }

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }

    // Error text ends up in admission responses; an unbounded echo of hostile input does not belong there.
    private static string Truncate(ReadOnlySpan<char> text) =>
        text.Length <= MaxDisplayLength ? text.ToString() : string.Concat(text[..(MaxDisplayLength - 3)], "...");
}
