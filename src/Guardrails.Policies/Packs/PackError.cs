namespace Guardrails.Policies.Packs;

/// <summary>Why a pack (or a rule file) was refused: file, line, column when known, and reason.</summary>
public sealed record PackError(string File, int Line, string Message, int Column = 0)
{
    public override string ToString() => Column > 0 ? $"{File}:{Line}:{Column}: {Message}" : Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}";
}
