namespace Guardrails.Policies.Packs;

/// <summary>The text of one pack file; the host reads files, the engine never does.</summary>
public sealed record PackSource(string File, string Text);
