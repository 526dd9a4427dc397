using System.Reflection;

namespace Guardrails.Policies.Authoring;

/// <summary>
/// A rule with its parameters already bound: the one base class of the shipped rules and of a platform team's rule
/// files alike. Instances are immutable and shared by every evaluation on every thread; per-request state lives in
/// <see cref="RuleContext"/>. A rule takes its typed parameters record in its constructor (or has a parameterless
/// one) and names its id with <see cref="RuleAttribute"/>.
/// </summary>
public abstract class Rule
{
    /// <summary>What a rule may spend on one object unless it says otherwise.</summary>
    public static readonly TimeSpan DefaultBudget = TimeSpan.FromMilliseconds(5);

    private readonly string? _attributeId;

    protected Rule()
    {
        _attributeId = GetType().GetCustomAttribute<RuleAttribute>()?.Id;
    }

    /// <summary>Stable kebab-case id from <see cref="RuleAttribute"/>; part of the public contract (packs, metrics, audit annotations).</summary>
    public string Id => _attributeId ?? throw new InvalidOperationException($"{GetType().Name} has no [Rule(\"id\")] attribute");

    /// <summary>Which kinds and operations this rule judges; by default the pod-bearing kinds on CREATE and UPDATE.</summary>
    public virtual Match Match => Match.PodBearing;

    /// <summary>
    /// What one evaluation of this rule on one object may take (rule files are stopped there; the shipped rules are
    /// compiled in and never reach it).
    /// </summary>
    public virtual TimeSpan Budget => DefaultBudget;

    /// <summary>Whether this binding proposes defaults; only then is <see cref="Mutate"/> called.</summary>
    public virtual bool Mutates => false;

    /// <summary>Reads the object through <paramref name="context"/> and reports every violation found.</summary>
    public abstract void Check(RuleContext context);

    /// <summary>Proposes defaults as patch operations; <c>/mutate</c> applies them, <c>/validate</c> never does.</summary>
    public virtual void Mutate(RuleContext context, PatchBuilder patch)
    {
    }
}
