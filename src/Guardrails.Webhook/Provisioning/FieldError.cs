using Guardrails.Policies.Documents;

namespace Guardrails.Webhook.Provisioning;

/// <summary>
/// Why a request could not be read: the field path (<c>spec.resources.cpu</c>) and what is wrong with it, and where
/// in the text it came in when it came as text (a REST body); an object the apiserver sent has no such position.
/// </summary>
public sealed record FieldError(string Path, string Message)
{
    /// <summary>What the position is in (<c>body</c>); empty when there is no position.</summary>
    public string File { get; init; } = "";

    /// <summary>1-based; 0 when the request came without a text to point into.</summary>
    public int Line { get; init; }

    public int Column { get; init; }

    public static FieldError From(DocumentError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new FieldError(error.Path, error.Problem) { File = error.File, Line = error.Line, Column = error.Column };
    }

    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}: {Path}: {Message}" : $"{Path}: {Message}";
}
