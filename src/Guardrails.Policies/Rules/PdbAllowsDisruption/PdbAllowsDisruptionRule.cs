using Guardrails.Policies.Authoring;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Resources;
using Guardrails.Policies.State;

namespace Guardrails.Policies.Rules.PdbAllowsDisruption;

/// <summary>
/// A PodDisruptionBudget that can never allow an eviction blocks every node drain, and so the next cluster upgrade:
/// <c>maxUnavailable: 0</c> (or <c>0%</c>), <c>minAvailable: 100%</c>, or a <c>minAvailable</c> at or above the
/// replicas of the workloads it selects. The workloads come from the workload summary cache; a budget that selects
/// none is only warned about, because the workload may simply be applied next. Judged from the other side too: a
/// workload created or scaled down (apply, or the <c>*/scale</c> subresource) to at or below what a budget selecting
/// it requires gets the same arithmetic, with the budgets from the PodDisruptionBudget cache.
/// </summary>
[Rule("pdb-allows-disruption", Summary = "A PodDisruptionBudget must leave room to evict at least one pod, or node drains block.")]
public sealed class PdbAllowsDisruptionRule : Rule, IScaleRule
{
    private readonly PdbAllowsDisruptionParameters _parameters;

    public PdbAllowsDisruptionRule(PdbAllowsDisruptionParameters parameters)
    {
        _parameters = parameters;
        Match = parameters.JudgeScaleDowns
            ? Match.Kinds("policy/PodDisruptionBudget", "apps/Deployment", "apps/StatefulSet", "apps/ReplicaSet", "ReplicationController")
            : Match.Kinds("policy/PodDisruptionBudget");
    }

    public override Match Match { get; }

    public override void Check(RuleContext context)
    {
        if (context.Object.Kind == "PodDisruptionBudget")
        {
            CheckBudget(context);
        }
        else if (!HasController(context.Object.Root.Element))
        {
            // A ReplicaSet its Deployment scales is judged where the person asked: on the Deployment.
            CheckWorkload(context);
        }
    }

    /// <summary>A <c>*/scale</c> write lowering a workload's replicas; an HPA's maxReplicas never lowers anything now.</summary>
    public void CheckScale(ScaleContext context)
    {
        var target = context.Target;
        if (!_parameters.JudgeScaleDowns || context.Request.Kind != "Scale" || target.Controller is not null
            || context.Cluster.DisruptionBudgetsIn(context.Namespace).Count == 0
            || !DisruptionArithmetic.IsReplicated(target.Kind.Kind) || context.OldReplicas is { } old && context.Replicas >= old)
        {
            return;
        }

        foreach (var (message, fix) in Refusals(context.Cluster, context.Namespace, target.Kind.Kind, target.Name, target.Uid, new PairLabels(target.PodLabels), context.Replicas))
        {
            context.Report(context.Path, context.Replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{context.Who} scaled to {context.Replicas} replicas: {message}", fix);
        }
    }

    private static void CheckWorkload(RuleContext context)
    {
        if (context.Cluster.DisruptionBudgetsIn(context.Namespace).Count == 0)
        {
            return;
        }

        var spec = context.Object.Spec;
        var replicasField = spec["replicas"];
        var replicas = replicasField.AsInt64() ?? 1;
        if (context.OldObject is { } old && replicas >= (old.Spec["replicas"].AsInt64() ?? 1))
        {
            // Not a scale-down: a budget that already blocks belongs to the budget's own check.
            return;
        }

        if (!AnyBudgetCouldBlock(context.Cluster, context.Namespace, replicas))
        {
            // The common case (every budget asks for fewer pods than this workload alone runs): nothing to match.
            return;
        }

        var labels = StringMap(spec["template"]["metadata"]["labels"]);
        var kind = context.Object.Kind;
        var name = context.Object.Name ?? "";
        var uid = context.Object.Metadata["uid"].AsString();
        foreach (var (message, fix) in Refusals(context.Cluster, context.Namespace, kind, name, uid, labels, replicas))
        {
            context.Report(
                replicasField.Path.Length == 0 ? "spec.replicas" : replicasField.Path,
                replicasField.IsPresent ? replicasField.Display : "unset (1)",
                $"{kind} {context.Namespace}/{name} at {replicas} replicas: {message}",
                fix);
        }
    }

    /// <summary>
    /// Whether some budget in the namespace could leave no eviction with this workload at <paramref name="replicas"/>:
    /// a count below the workload's own replicas never can (the other workloads it selects only add pods), a
    /// percentage may.
    /// </summary>
    private static bool AnyBudgetCouldBlock(IClusterSnapshot cluster, string ns, long replicas)
    {
        foreach (var budget in cluster.DisruptionBudgetsIn(ns))
        {
            if (budget.MinAvailable is { } min && (min.IsPercent || min.Value >= replicas))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every budget selecting this workload that could allow no eviction once it runs <paramref name="replicas"/>.</summary>
    private static IEnumerable<(string Message, string Fix)> Refusals(IClusterSnapshot cluster, string ns, string kind, string name, string? uid, IReadOnlyDictionary<string, string> podLabels, long replicas)
    {
        foreach (var budget in cluster.DisruptionBudgetsIn(ns))
        {
            if (!budget.Selects(podLabels) || budget.MinAvailable is not { } min)
            {
                continue;
            }

            var counted = new List<BudgetedWorkload> { new(kind, name, replicas) };
            foreach (var other in DisruptionArithmetic.Selected(cluster, ns, budget))
            {
                var same = uid is { Length: > 0 } ? other.Uid == uid : other.Kind.Kind == kind && other.Name == name;
                if (!same && other.Replicas is { } otherReplicas)
                {
                    counted.Add(new BudgetedWorkload(other.Kind.Kind, other.Name, otherReplicas));
                }
            }

            if (DisruptionArithmetic.Blocked(budget.Name, min, counted, out var required, out var expected) is not { } blocked)
            {
                continue;
            }

            var others = expected - replicas;
            var enough = DisruptionArithmetic.FewestEvictable(min) is { } fewest ? Math.Max(fewest - others, replicas + 1) : (long?)null;
            var fix = enough is { } keep
                ? $"keep at least {keep} replicas, or lower PodDisruptionBudget {budget.Name}'s minAvailable below {required} (or give it maxUnavailable: 1 instead)"
                : $"give PodDisruptionBudget {budget.Name} a minAvailable below 100% (or maxUnavailable: 1) before scaling down";
            yield return (blocked, fix);
        }
    }

    private void CheckBudget(RuleContext context)
    {
        var spec = context.Object.Spec;
        var name = context.Object.Name;
        var maxUnavailable = spec["maxUnavailable"];
        if (maxUnavailable.AsIntOrPercent() is { Value: 0 })
        {
            context.Report(
                maxUnavailable,
                $"PodDisruptionBudget {name} allows no pod to be unavailable (maxUnavailable {maxUnavailable.Display}), so no node running its pods can be drained",
                "set maxUnavailable to 1 (or a percentage above 0%), or use a minAvailable below the replica count");
            return;
        }

        var minAvailable = spec["minAvailable"];
        var budget = DisruptionBudgetSummary.Read(context.Object.Root.Element, context.Namespace);
        if (budget.MinAvailable is { IsPercent: true, Value: >= 100 })
        {
            context.Report(
                minAvailable,
                $"PodDisruptionBudget {name} requires every pod to stay available (minAvailable {minAvailable.Display}), so no node running its pods can be drained",
                "lower minAvailable below 100% (or to a count below the replicas), or use maxUnavailable: 1");
            return;
        }

        var selector = spec["selector"];
        var selected = DisruptionArithmetic.Selected(context.Cluster, context.Namespace, budget);
        if (selected.Count == 0)
        {
            if (_parameters.WarnWhenNothingSelected && context.Cluster.Unavailable is null)
            {
                context.Warn(
                    selector.Path,
                    selector.Display,
                    $"PodDisruptionBudget {name} selects no Deployment, StatefulSet, ReplicaSet or ReplicationController in namespace {context.Namespace}, so it protects nothing",
                    "make spec.selector.matchLabels match the labels of the workload's pod template (spec.template.metadata.labels)");
            }

            return;
        }

        var counted = selected.Where(w => w.Replicas is not null).Select(w => new BudgetedWorkload(w.Kind.Kind, w.Name, w.Replicas!.Value)).ToList();
        if (DisruptionArithmetic.Blocked(name ?? "", budget.MinAvailable, counted, out var required, out var replicas) is { } blocked)
        {
            // A percentage grows with the replicas: the fewest that leave one eviction, found by the same rounding.
            var atLeast = budget.MinAvailable is { } min ? DisruptionArithmetic.FewestEvictable(min) ?? required + 1 : required + 1;
            context.Report(
                minAvailable,
                blocked,
                replicas > 1
                    ? $"set minAvailable to {replicas - 1} or less (or maxUnavailable: 1), or run at least {atLeast} replicas"
                    : $"run at least {atLeast} replicas, or use maxUnavailable: 1 and accept the short outage a drain causes");
        }
    }

    /// <summary>Read from the raw JSON: this runs on every workload admitted, and finds nothing to report on.</summary>
    private static bool HasController(System.Text.Json.JsonElement root)
    {
        var owners = root.Child("metadata"u8).Child("ownerReferences"u8);
        if (owners.ValueKind != System.Text.Json.JsonValueKind.Array)
        {
            return false;
        }

        foreach (var owner in owners.EnumerateArray())
        {
            if (owner.Child("controller"u8).AsBool() == true)
            {
                return true;
            }
        }

        return false;
    }

    private static Dictionary<string, string> StringMap(Field field)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in field.Properties)
        {
            if (value.AsString() is { } text)
            {
                map[key] = text;
            }
        }

        return map;
    }
}
