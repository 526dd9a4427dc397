namespace Guardrails.Policies.Rules.RunAsNonRoot;

public sealed record RunAsNonRootParameters
{
    public string Require { get; init; } = "both";

    /// <summary>Mutation, opt-in: set pod-level <c>runAsNonRoot: true</c> when nothing sets it.</summary>
    public bool SetDefault { get; init; }

    public NonRootForm Form => Require switch
    {
        "runAsNonRoot" => NonRootForm.RunAsNonRoot,
        "runAsUser" => NonRootForm.RunAsUser,
        _ => NonRootForm.Both,
    };
}
