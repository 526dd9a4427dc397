namespace Guardrails.Policies.Resources;

/// <summary>How a body or file says it is written; YAML is parsed as YAML even when it starts with <c>{</c> (flow style).</summary>
public enum ManifestFormat
{
    /// <summary>Nothing says: JSON when the text starts with <c>{</c> or <c>[</c>, else YAML (standard input).</summary>
    Sniff,
    Json,
    Yaml,
}
