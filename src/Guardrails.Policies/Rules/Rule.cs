using Guardrails.Policies.Engine;
using Guardrails.Policies.Resources;

namespace Guardrails.Policies.Rules;

/// <summary>
/// A rule with its parameters already bound. Instances are immutable and shared by every evaluation on every thread;
/// per-request state lives in <see cref="RuleContext"/>.
/// </summary>
public abstract class Rule
{
    /// <summary>Stable kebab-case id; part of the public contract (packs, metrics, audit annotations).</summary>
    public abstract string Id { get; }

    public virtual bool AppliesTo(WorkloadKind kind) => true;

    /// <summary>Whether this binding proposes defaults; only then is <see cref="Mutate"/> called.</summary>
    public virtual bool Mutates => false;

    public abstract void Check(RuleContext context);

    public virtual void Mutate(RuleContext context, PatchBuilder patch)
    {
    }
}
