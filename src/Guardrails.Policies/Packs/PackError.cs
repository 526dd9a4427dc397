namespace Guardrails.Policies.Packs;

/// <summary>Why a pack was refused: file, line and reason.</summary>
public sealed record PackError(string File, int Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}";
}
