using Guardrails.Policies.Engine;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Policies.Packs;

/// <summary>One rule entry in a pack: which rule, its mode, scope and raw parameters (bound by the rule's definition).</summary>
public sealed record PackRule
{
    public string? Id { get; init; }

    public int Line { get; init; }

    public bool Enabled { get; init; } = true;

    /// <summary>As written; validated against <see cref="EnforcementMode"/> names.</summary>
    public string? ModeText { get; init; }

    public int ModeLine { get; init; }

    public ScopeSpec? Scope { get; init; }

    public YamlMappingNode? Parameters { get; init; }

    /// <summary>How much developers may waive of this rule on their own (<c>exceptions:</c>); null: nothing.</summary>
    public Exceptions.ExceptionBounds? Exceptions { get; init; }

    public EnforcementMode Mode => ModeText is null
        ? EnforcementMode.Enforce
        : Enum.TryParse<EnforcementMode>(ModeText, ignoreCase: true, out var mode) ? mode : EnforcementMode.Off;
}
