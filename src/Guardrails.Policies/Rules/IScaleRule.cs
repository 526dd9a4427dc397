using Guardrails.Policies.Engine;

namespace Guardrails.Policies.Rules;

/// <summary>
/// A rule that also judges replica changes made without the template: a <c>*/scale</c> subresource write, or an
/// HPA's <c>maxReplicas</c>. It sees the target's cached summary, never the object's body.
/// </summary>
public interface IScaleRule
{
    void CheckScale(ScaleContext context);
}
