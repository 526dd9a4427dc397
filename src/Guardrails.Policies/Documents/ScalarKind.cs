namespace Guardrails.Policies.Documents;

/// <summary>What a YAML scalar is as JSON would see it (YAML 1.2's core schema): how a field typed as a string tells <c>7</c> from <c>"7"</c>.</summary>
public enum ScalarKind
{
    Null,
    Boolean,
    Number,
    String,
}
