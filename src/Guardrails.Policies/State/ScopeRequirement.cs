namespace Guardrails.Policies.State;

/// <summary>
/// One ResourceQuota scope: from <c>spec.scopes</c> (operator Exists) or <c>spec.scopeSelector.matchExpressions</c>.
/// A quota counts a pod only if every requirement holds for it.
/// </summary>
public sealed record ScopeRequirement(string ScopeName, string Operator, IReadOnlyList<string> Values)
{
    /// <summary>True or false when Guardrails can tell from the pod spec; null for scopes it cannot judge (CrossNamespacePodAffinity).</summary>
    public bool? Matches(PodScopeFacts pod)
    {
        bool? holds = ScopeName switch
        {
            "BestEffort" => pod.BestEffort,
            "NotBestEffort" => !pod.BestEffort,
            "Terminating" => pod.Terminating,
            "NotTerminating" => !pod.Terminating,
            "PriorityClass" => null,
            _ => null,
        };

        if (ScopeName == "PriorityClass")
        {
            return Operator switch
            {
                "In" => pod.PriorityClassName is { } name && Values.Contains(name),
                "NotIn" => pod.PriorityClassName is not { } other || !Values.Contains(other),
                "Exists" => pod.PriorityClassName is not null,
                "DoesNotExist" => pod.PriorityClassName is null,
                _ => null,
            };
        }

        return holds is null ? null : Operator switch
        {
            "Exists" => holds,
            "DoesNotExist" => !holds,
            _ => null,
        };
    }

    public override string ToString() => Values.Count == 0 ? $"{ScopeName} {Operator}" : $"{ScopeName} {Operator} [{string.Join(", ", Values)}]";
}
