using Guardrails.Policies.Authoring;

namespace Guardrails.Policies.Engine;

/// <summary>A rule bound, at compile time, to its parameters, mode, scope and the pack that enabled it.</summary>
internal sealed record RuleBinding(Rule Rule, EnforcementMode Mode, NamespaceScope Scope, string Pack);
