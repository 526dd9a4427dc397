using System.Globalization;
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
    private static readonly Probe Readiness = new("readinessProbe", "receives traffic before it is ready, so a rollout drops requests");
    private static readonly Probe Liveness = new("livenessProbe", "is never restarted when it hangs");

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

            Require(context, container, Readiness);
            if (_parameters.RequireLiveness)
            {
                Require(context, container, Liveness);
            }
        }
    }

    private static void Require(RuleContext context, ContainerRef container, Probe probe)
    {
        if (!container.Element.Child(probe.Field).IsPresent())
        {
            context.Report(
                container.FieldPath(probe.Field),
                "unset",
                string.Create(CultureInfo.InvariantCulture, stackalloc char[256], $"{container.Describe()} has no {probe.Field}: it {probe.Consequence}"),
                probe.Fix);
        }
    }

    /// <summary>What a missing probe costs and how to add one; the same words for every container, so built once.</summary>
    private sealed record Probe(string Field, string Consequence)
    {
        public string Fix { get; } = $"add {Field} (for example httpGet on the container's health endpoint, or tcpSocket on its port)";
    }
}
