using System.Text.Json.Nodes;
using Guardrails.Policies.Authoring;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Resources;

namespace Guardrails.Policies.Rules.RunAsNonRoot;

/// <summary>
/// A container's securityContext overrides the pod's (Kubernetes PodSecurityContext docs), so the effective
/// <c>runAsNonRoot</c> is the container's value, else the pod's.
/// </summary>
[Rule(RunAsNonRootDefinition.RuleId)]
internal sealed class RunAsNonRootRule : Rule
{
    private readonly bool _checkNonRoot;
    private readonly bool _checkUser;
    private readonly bool _setDefault;

    public RunAsNonRootRule(RunAsNonRootParameters parameters)
    {
        _checkNonRoot = parameters.Form != NonRootForm.RunAsUser;
        _checkUser = parameters.Form != NonRootForm.RunAsNonRoot;
        _setDefault = parameters.SetDefault;
    }

    public override bool Mutates => _setDefault;

    public override void Check(RuleContext context)
    {
        var workload = context.Workload;
        var podContext = workload.PodSecurityContext;
        var podNonRoot = podContext.Child("runAsNonRoot"u8).AsBool();
        if (_checkUser && podContext.Child("runAsUser"u8).AsInt64() == 0)
        {
            context.Report(
                workload.PodFieldPath("securityContext.runAsUser"),
                "0",
                "the pod runs as root: securityContext.runAsUser is 0",
                "set runAsUser to a non-zero UID (for example 1000) or remove it and set runAsNonRoot: true");
        }

        foreach (var container in workload.Containers())
        {
            var securityContext = container.SecurityContext;
            if (_checkNonRoot)
            {
                var own = securityContext.Child("runAsNonRoot"u8).AsBool();
                if ((own ?? podNonRoot) != true)
                {
                    ReportNotNonRoot(context, container, own, podNonRoot);
                }
            }

            if (_checkUser && securityContext.Child("runAsUser"u8).AsInt64() == 0)
            {
                context.Report(
                    container.FieldPath("securityContext.runAsUser"),
                    "0",
                    $"{container.Describe()} runs as root: securityContext.runAsUser is 0",
                    "set runAsUser to a non-zero UID (for example 1000) or remove it");
            }
        }
    }

    public override void Mutate(RuleContext context, PatchBuilder patch)
    {
        var workload = context.Workload;
        var podContext = workload.PodSecurityContext;
        if (podContext.Child("runAsNonRoot"u8).IsPresent())
        {
            return;
        }

        // Only where nothing decides: an explicit runAsNonRoot: false on a container is a choice to report, not to overwrite.
        var anyUndecided = false;
        foreach (var container in workload.Containers())
        {
            anyUndecided |= !container.SecurityContext.Child("runAsNonRoot"u8).IsPresent();
        }

        if (!anyUndecided)
        {
            return;
        }

        if (podContext.ValueKind == System.Text.Json.JsonValueKind.Object)
        {
            patch.Add(workload.PodFieldPointer("securityContext/runAsNonRoot"), JsonValue.Create(true));
        }
        else
        {
            patch.Add(workload.PodFieldPointer("securityContext"), new JsonObject { ["runAsNonRoot"] = true });
        }
    }

    private static void ReportNotNonRoot(RuleContext context, ContainerRef container, bool? own, bool? podNonRoot)
    {
        var podPath = context.Workload.PodFieldPath("securityContext.runAsNonRoot");
        var (actual, message) = (own, podNonRoot) switch
        {
            (false, _) => ("false", $"{container.Describe()} sets securityContext.runAsNonRoot: false"),
            (null, false) => ($"false (from {podPath})", $"{container.Describe()} inherits runAsNonRoot: false from the pod"),
            _ => ("unset", $"{container.Describe()} may run as root: runAsNonRoot is set neither on it nor on the pod"),
        };
        context.Report(
            container.FieldPath("securityContext.runAsNonRoot"),
            actual,
            message,
            own == false
                ? "set it to true, and run the image as a non-root user"
                : $"set runAsNonRoot: true on the pod ({context.Workload.PodFieldPath("securityContext")}) or on this container");
    }
}
