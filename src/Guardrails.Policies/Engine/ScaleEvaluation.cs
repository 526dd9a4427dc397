using Guardrails.Policies.Resources;
using Guardrails.Policies.Rules;

namespace Guardrails.Policies.Engine;

/// <summary>
/// Replica changes without a pod template: <c>deployments/scale</c> (and statefulsets, replicasets,
/// replicationcontrollers) writes, judged from the target's cached summary; an HPA's <c>maxReplicas</c>, warned.
/// The rules and modes are those bound for the target's kind.
/// </summary>
internal static class ScaleEvaluation
{
    public static bool Applies(EvaluationRequest request) =>
        request.Operation is AdmissionOperation.Create or AdmissionOperation.Update
        && ((request.SubResource == "scale" && request.Kind == "Scale")
            || (request.SubResource is null && request.Group == "autoscaling" && request.Kind == "HorizontalPodAutoscaler"));

    public static Verdict Evaluate(EvaluationRequest request, string ns, string? name, Func<WorkloadKind, RuleBinding[]> bindingsFor)
    {
        var context = request.Kind == "Scale" ? ForScale(request, ns, name) : ForAutoscaler(request, ns, name);
        if (context is null)
        {
            return Verdict.Skipped(request.Kind, ns, name, $"the workload {request.Kind} {name} changes is not in the workload cache (yet): replicas not checked");
        }

        var inScope = false;
        foreach (var binding in bindingsFor(context.Target.Kind))
        {
            if (binding.Rule is not IScaleRule rule || !binding.Scope.Matches(ns, request.Cluster))
            {
                continue;
            }

            inScope = true;
            context.Begin(binding);
            try
            {
                rule.CheckScale(context);
            }
            catch (Exception ex) when (ex is not InvalidObjectException)
            {
                context.Report(context.Path, "(not evaluated)", $"rule {binding.Rule.Id} could not evaluate this change: {ex.Message}", "report this to the platform team");
            }
        }

        return inScope
            ? new Verdict(request.Kind, ns, name, context.Violations, Patching.JsonPatch.Empty, null, context.Claims)
            : Verdict.Skipped(request.Kind, ns, name, $"no rule judges replica changes of {context.Target.Kind.Kind} in namespace {ns}");
    }

    private static ScaleContext? ForScale(EvaluationRequest request, string ns, string? name)
    {
        // A Scale carries its target's uid: the apiserver builds it from the object it scales.
        var uid = request.Object.Child("metadata"u8).Child("uid"u8).AsString();
        if (uid is null || request.Cluster.GetWorkload(ns, uid) is not { } target
            || request.Object.Child("spec"u8).Child("replicas"u8).AsInt64() is not { } replicas)
        {
            return null;
        }

        var old = request.OldObject.Child("spec"u8).Child("replicas"u8).AsInt64() ?? target.Replicas;
        return new ScaleContext(request, ns, target, replicas, old, new ScaleWording($"{target.Kind.Kind} {ns}/{target.Name}", "spec.replicas", "replicas", WarnOnly: false));
    }

    private static ScaleContext? ForAutoscaler(EvaluationRequest request, string ns, string? name)
    {
        var spec = request.Object.Child("spec"u8);
        var reference = spec.Child("scaleTargetRef"u8);
        if (reference.Child("kind"u8).AsString() is not { } kind || reference.Child("name"u8).AsString() is not { } targetName
            || request.Cluster.FindWorkload(ns, kind, targetName) is not { } target
            || spec.Child("maxReplicas"u8).AsInt64() is not { } max)
        {
            return null;
        }

        return new ScaleContext(
            request,
            ns,
            target,
            max,
            target.Replicas,
            new ScaleWording($"HorizontalPodAutoscaler {ns}/{name} may scale {target.Kind.Kind} {target.Name} to maxReplicas {max}, which", "spec.maxReplicas", "maxReplicas", WarnOnly: true));
    }
}
