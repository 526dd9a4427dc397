namespace Guardrails.Policies.RuleFiles;

/// <summary>The text of one rule file (<c>policies/rules/*.cs</c>); the host reads files, the engine never does.</summary>
public sealed record RuleSource(string File, string Text);
