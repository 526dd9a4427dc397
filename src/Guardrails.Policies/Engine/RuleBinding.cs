using Guardrails.Policies.Authoring;

namespace Guardrails.Policies.Engine;

/// <summary>
/// A rule bound, at compile time, to its parameters, mode, scope and the pack that enabled it, with what it matches,
/// whether it mutates and its run-time budget (null: not enforced) read once, so rule code never runs outside a check.
/// </summary>
internal sealed record RuleBinding(Rule Rule, EnforcementMode Mode, NamespaceScope Scope, string Pack, Match Match, bool Mutates, TimeSpan? Budget, Exceptions.ExceptionBounds? Exceptions = null);
