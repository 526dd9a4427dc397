namespace Guardrails.Policies.Documents;

/// <summary>How a <see cref="DocumentError"/> is worded around its field path.</summary>
public enum DocumentErrorKind
{
    /// <summary>The field holds the wrong thing: "<c>spec.enabled</c> must be true or false, not 'maybe'".</summary>
    Invalid,

    /// <summary>A required field is absent or null.</summary>
    Missing,

    /// <summary>A field nobody reads: "unknown field '<c>spec.rulez</c>' (expected one of: …)".</summary>
    Unknown,

    /// <summary>The reader's own sentence, which says its path itself where it needs one.</summary>
    Statement,
}
