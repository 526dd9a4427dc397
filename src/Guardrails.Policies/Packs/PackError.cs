using Guardrails.Policies.Documents;

namespace Guardrails.Policies.Packs;

/// <summary>Why a pack (or a rule file) was refused: file, line, column when known, and reason.</summary>
public sealed record PackError(string File, int Line, string Message, int Column = 0)
{
    /// <summary>
    /// A document reader's error as packs and settings have always said it: file, line and a sentence naming the path.
    /// The column is left out so that every file:line a user or a script has seen stays as it was.
    /// </summary>
    public static PackError From(DocumentError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new PackError(error.File, error.Line, error.Sentence);
    }

    public override string ToString() => Column > 0 ? $"{File}:{Line}:{Column}: {Message}" : Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}";
}
