namespace Guardrails.Policies.Rules.RunAsNonRoot;

/// <summary>Which of the two ways of saying "not root" the rule demands.</summary>
public enum NonRootForm
{
    /// <summary><c>runAsNonRoot: true</c> in effect for every container, and no <c>runAsUser: 0</c> anywhere.</summary>
    Both,

    /// <summary>Only <c>runAsNonRoot: true</c> in effect for every container.</summary>
    RunAsNonRoot,

    /// <summary>Only: any <c>runAsUser</c> set must not be 0.</summary>
    RunAsUser,
}
