namespace Guardrails.Policies.Documents;

/// <summary>
/// One problem of a document Guardrails reads: where it is (file, 1-based line and column; 0 when the document came
/// without positions, as JSON from the apiserver does), which field (<c>spec.rules[0].enabled</c>), and what is wrong
/// with it, said without the path so that each kind of document can put the path where its readers expect it.
/// </summary>
public sealed record DocumentError(string File, int Line, int Column, string Path, DocumentErrorKind Kind, string Message)
{
    /// <summary>What is wrong, without the path: "must be a string, not the number 7", "unknown field (expected one of: a, b)".</summary>
    public string Problem => Kind == DocumentErrorKind.Unknown ? $"unknown field {Message}" : Message;

    /// <summary>The problem as one sentence that names its path: "spec.enabled must be true or false, not 'maybe'".</summary>
    public string Sentence => Kind switch
    {
        DocumentErrorKind.Unknown => $"unknown field '{Path}' {Message}",
        DocumentErrorKind.Statement => Message,
        _ => Path.Length == 0 ? Message : $"{Path} {Message}",
    };

    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}: {Sentence}" : $"{File}: {Sentence}";
}
