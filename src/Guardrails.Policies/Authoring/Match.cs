using Guardrails.Policies.Engine;
using Guardrails.Policies.Resources;

namespace Guardrails.Policies.Authoring;

/// <summary>
/// Which objects a rule judges: kinds of any group (core, apps, policy, networking.k8s.io, a CRD's) and admission
/// operations (CREATE and UPDATE unless said otherwise). The webhook registers for exactly the union of these.
/// </summary>
public sealed class Match
{
    private static readonly AdmissionOperation[] CreateAndUpdate = [AdmissionOperation.Create, AdmissionOperation.Update];

    private Match(IReadOnlyList<KindPattern> kinds, IReadOnlyList<AdmissionOperation> operations)
    {
        KindPatterns = kinds;
        Operations = operations;
    }

    /// <summary>Every kind that holds a pod template: Pod, PodTemplate, ReplicationController, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob.</summary>
    public static Match PodBearing { get; } = new(
        WorkloadKind.All.Select(k => new KindPattern(k.Group, k.Kind, k.Plural)).ToArray(),
        CreateAndUpdate);

    /// <summary>Every kind of every group.</summary>
    public static Match AnyKind { get; } = new([new KindPattern("*", "*", "*")], CreateAndUpdate);

    public IReadOnlyList<KindPattern> KindPatterns { get; }

    public IReadOnlyList<AdmissionOperation> Operations { get; }

    /// <summary>Kinds written as in <see cref="KindPattern.Parse"/>: <c>Namespace</c>, <c>apps/Deployment</c>, <c>policy/PodDisruptionBudget</c>, <c>example.com/Widget=widgets</c>.</summary>
    public static Match Kinds(params string[] kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        if (kinds.Length == 0)
        {
            throw new ArgumentException("name at least one kind", nameof(kinds));
        }

        return new Match(kinds.Select(KindPattern.Parse).ToArray(), CreateAndUpdate);
    }

    /// <summary>The same kinds on other operations (DELETE judges the object being deleted).</summary>
    public Match On(params AdmissionOperation[] operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        return new Match(KindPatterns, operations.Distinct().ToArray());
    }

    /// <summary>This match's kinds and another's, on the operations of both.</summary>
    public Match Or(Match other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new Match([.. KindPatterns, .. other.KindPatterns], Operations.Union(other.Operations).ToArray());
    }

    public bool MatchesKind(string group, string kind)
    {
        foreach (var pattern in KindPatterns)
        {
            if (pattern.Matches(group, kind))
            {
                return true;
            }
        }

        return false;
    }

    public bool MatchesOperation(AdmissionOperation operation) => Operations.Contains(operation);

    public override string ToString() => $"{string.Join(", ", KindPatterns)} on {string.Join(", ", Operations).ToUpperInvariant()}";
}
