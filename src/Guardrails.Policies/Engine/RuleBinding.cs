using Guardrails.Policies.Authoring;

namespace Guardrails.Policies.Engine;

/// <summary>A rule bound, at compile time, to its parameters, mode, scope, the pack that enabled it and its run-time budget (null: not enforced).</summary>
internal sealed record RuleBinding(Rule Rule, EnforcementMode Mode, NamespaceScope Scope, string Pack, TimeSpan? Budget = null);
