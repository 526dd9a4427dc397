using Guardrails.Policies.Authoring;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Quantities;
using Guardrails.Policies.Resources;
using Guardrails.Policies.State;

namespace Guardrails.Policies.Rules.QuotaFits;

/// <summary>
/// Predicts at apply time what ResourceQuota admission would refuse pod by pod later: a Deployment the apiserver
/// accepts but whose pods never start. On UPDATE the object's current share is released first; quota admitted
/// moments ago but not yet in the quota's status (reservations) counts as used. A controller's write for a workload
/// already admitted draws on that workload's share (<see cref="OwnerCoverage"/>); scale writes and HPAs are judged
/// from the target's cached summary (<see cref="CheckScale"/>). The arithmetic itself is <see cref="QuotaJudge"/>.
/// </summary>
[Rule(QuotaFitsDefinition.RuleId)]
internal sealed class QuotaFitsRule : Rule, IScaleRule
{
    private readonly bool _countSurge;
    private readonly bool _denyWhenUnavailable;

    public QuotaFitsRule(QuotaFitsParameters parameters)
    {
        _countSurge = parameters.CountSurge;
        _denyWhenUnavailable = parameters.WhenStateUnavailable == "Deny";
    }

    public override void Check(RuleContext context)
    {
        if (context.Cluster.Unavailable is { } problem)
        {
            ReportUnavailable(new RuleContextQuotaReport(context), problem);
            return;
        }

        var quota = context.Cluster.GetQuota(context.Namespace);
        if (quota.Quotas.Count == 0)
        {
            return;
        }

        var workload = context.Workload;
        var who = $"{workload.Kind.Kind} {context.Namespace}/{context.Request.Name ?? workload.Name}";
        var count = PodCount.Of(workload, _countSurge);
        var perPod = count is null ? null : PodDemand.Compute(workload, quota.LimitRanges);
        var (oldPerPod, oldCount) = OldShare(context, quota);
        var covered = OwnerCoverage.Covers(context.Cluster, context.Namespace, workload, count, perPod);
        var bare = workload.Kind.Replicas == ReplicaSource.SinglePod;
        QuotaJudge.Judge(new RuleContextQuotaReport(context), quota, new QuotaAsk(
            who,
            workload.Kind,
            covered ? null : count,
            perPod,
            oldPerPod is null ? null : (oldPerPod, oldCount),
            perPod is null ? null : ScopeFacts(workload, perPod),
            bare ? workload.PodFieldPath("containers") : "spec",
            workload.PodFieldPath("containers"),
            context.Request.Operation == AdmissionOperation.Create,
            bare ? null : workload.Kind.Replicas == ReplicaSource.Parallelism ? "parallelism" : "replicas"));
    }

    /// <summary>
    /// A replica change without the template: a scale subresource write, or an HPA's maxReplicas (warned only: the
    /// HPA controller scales later, through the same subresource, and is judged then). Numbers from the cached summary.
    /// </summary>
    public void CheckScale(ScaleContext context)
    {
        IQuotaReport report = new ScaleContextQuotaReport(context);
        if (context.Cluster.Unavailable is { } problem)
        {
            ReportUnavailable(report, problem);
            return;
        }

        var quota = context.Cluster.GetQuota(context.Namespace);
        var target = context.Target;
        if (quota.Quotas.Count == 0)
        {
            return;
        }

        if (target.PerPod is not { } perPod)
        {
            report.Warn(context.Path, context.Replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), $"quota was not checked: {target.Kind.Kind} {target.Namespace}/{target.Name} holds a quantity Guardrails cannot read", "fix the workload's resources; the apiserver still enforces ResourceQuota when the pods are created");
            return;
        }

        var count = target.Kind == WorkloadKind.Deployment
            ? PodCount.ForReplicas(context.Replicas, target.MaxSurge, _countSurge)
            : PodCount.ForReplicas(context.Replicas, null, countSurge: false);
        var released = context.OldReplicas is { } old
            ? (perPod, target.Kind == WorkloadKind.Deployment ? PodCount.ForReplicas(old, target.MaxSurge, _countSurge).Pods : old)
            : ((PodDemand, long)?)null;
        QuotaJudge.Judge(report, quota, new QuotaAsk(
            context.Who,
            target.Kind,
            count,
            perPod,
            released,
            // The summary keeps no scope facts (deadline, priority class): scoped quotas are left to the apiserver here.
            Facts: null,
            context.Path,
            $"{target.Kind.Kind} {target.Name} {target.Kind.PodSpecPath}.containers",
            CountsObject: false,
            context.Lower));
    }

    private static PodScopeFacts ScopeFacts(Workload workload, PodDemand perPod) => new(
        BestEffort: perPod[DemandResource.RequestsCpu].IsZero && perPod[DemandResource.RequestsMemory].IsZero
            && perPod[DemandResource.LimitsCpu].IsZero && perPod[DemandResource.LimitsMemory].IsZero,
        Terminating: workload.PodSpec.Child("activeDeadlineSeconds"u8).AsInt64() is not null,
        PriorityClassName: workload.PodSpec.Child("priorityClassName"u8).AsString());

    private void ReportUnavailable(IQuotaReport context, string problem)
    {
        var message = $"quota was not checked: cluster state is unavailable ({problem})";
        if (_denyWhenUnavailable)
        {
            context.Report("spec", "(not evaluated)", message, "retry in a moment; Guardrails refuses while it cannot see the namespace's quota (whenStateUnavailable: Deny)");
        }
        else
        {
            context.Warn("spec", "(not evaluated)", message, "nothing to change; the apiserver still enforces ResourceQuota when the pods are created");
        }
    }

    private (PodDemand? PerPod, long Count) OldShare(RuleContext context, NamespaceQuota quota)
    {
        if (context.Request.Operation != AdmissionOperation.Update
            || !WorkloadReader.TryRead(context.Workload.Kind, context.Request.OldObject, out var old)
            || PodCount.Of(old!, _countSurge) is not { } oldCount)
        {
            return (null, 0);
        }

        return (PodDemand.Compute(old!, quota.LimitRanges), oldCount.Pods);
    }
}
