using Guardrails.Policies.Authoring;
using Guardrails.Policies.Resources;

namespace Guardrails.Policies.Rules.ProbesRequired;

/// <summary>
/// Without a readiness probe a pod gets traffic the moment its process starts, so every rollout is a short outage.
/// Long-running workloads only (Deployments, StatefulSets, DaemonSets): a Job's pods serve nothing. Init containers
/// run to completion and are not judged, except sidecars (<c>restartPolicy: Always</c>), which run beside the app.
/// </summary>
[Rule("probes-required", Summary = "Long-running containers declare a readiness probe (and a liveness probe where required).")]
public sealed class ProbesRequiredRule : Rule
{
    private const string ReadinessFix = "add readinessProbe (for example httpGet on the container's health endpoint, or tcpSocket on its port)";
    private const string LivenessFix = "add livenessProbe (for example httpGet on the container's health endpoint, or tcpSocket on its port)";

    private readonly ProbesRequiredParameters _parameters;

    public ProbesRequiredRule(ProbesRequiredParameters parameters)
    {
        _parameters = parameters;
    }

    public override Match Match { get; } = Match.Kinds("apps/Deployment", "apps/StatefulSet", "apps/DaemonSet");

    public override void Check(RuleContext context)
    {
        foreach (var container in context.Workload.Containers(includeEphemeral: false))
        {
            if (container.Group == ContainerGroup.InitContainers && !container.IsSidecar)
            {
                continue;
            }

            Require(context, container, "readinessProbe", "receives traffic before it is ready, so a rollout drops requests", ReadinessFix);
            if (_parameters.RequireLiveness)
            {
                Require(context, container, "livenessProbe", "is never restarted when it hangs", LivenessFix);
            }
        }
    }

    private static void Require(RuleContext context, ContainerRef container, string probe, string consequence, string fix)
    {
        if (!container.Element.Child(probe).IsPresent())
        {
            // The message in one piece (what Describe() says, inline), and the fix a constant: a warned container costs
            // the strings it reports and no others.
            context.Report(
                container.FieldPath(probe),
                "unset",
                $"{container.Group.Noun()} '{container.Name}' has no {probe}: it {consequence}",
                fix);
        }
    }
}
