using System.Text.Json;
using System.Text.Json.Nodes;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Rules.QuotaFits;
using Guardrails.Policies.Rules.ResourceRequirements;
using Guardrails.Policies.State;

namespace Guardrails.Webhook.Provisioning;

/// <summary>Judges a plan with the compiled rules, exactly as admission will judge its objects and the pods created in it.</summary>
internal static class PlanJudge
{
    public const string ProbeName = "guardrails-defaults-probe";

    /// <summary>Rules that read container resources: only their verdicts on the probe pod say something about the tier's defaults.</summary>
    private static readonly HashSet<string> ResourceRules = new(StringComparer.Ordinal)
    {
        ResourceRequirementsDefinition.RuleId,
        QuotaFitsDefinition.RuleId,
    };

    public static void Judge(
        EnvironmentRequest request,
        TierSettings tier,
        EnvironmentPlan plan,
        CompiledPolicy policy,
        string settingsFile,
        List<Violation> reasons,
        List<Violation> warnings)
    {
        // The plan's own Namespace, quota and LimitRange are the state its objects will meet: pack scopes see the
        // namespace's labels, quota-fits sees the quota.
        var cluster = ClusterSnapshot.FromObjects(plan.Objects.Select(o => o.Object), plan.Namespace);
        foreach (var obj in plan.Objects)
        {
            foreach (var violation in Evaluate(policy, obj.Group, obj.Kind, obj.Namespace, obj.Name, obj.Object, cluster, obj.DisplayName, reasons))
            {
                Route(violation with { Message = $"planned {obj.DisplayName}: {violation.Message}" }, reasons, warnings);
            }
        }

        var probe = Probe(plan.Namespace, tier);
        foreach (var violation in Evaluate(policy, "", "Pod", plan.Namespace, ProbeName, probe, cluster, $"a pod in {plan.Namespace}", reasons))
        {
            if (!ResourceRules.Contains(violation.RuleId) && !violation.Path.Contains(".resources", StringComparison.Ordinal))
            {
                // The probe's image and security context are made up; only what the tier's defaults decide counts.
                continue;
            }

            Route(
                violation with
                {
                    Path = "spec.tier",
                    Actual = request.Tier,
                    Message = $"a pod that sets no resources in this {request.Tier} environment gets the tier's LimitRange defaults ({Describe(tier)}), and pack '{violation.Pack}' would still refuse it: {violation.Message}",
                    Fix = $"the platform team must change spec.tiers.{request.Tier}.limitRange in {settingsFile} so those defaults pass {violation.RuleId} ({violation.Fix})",
                },
                reasons,
                warnings);
        }
    }

    private static IReadOnlyList<Violation> Evaluate(
        CompiledPolicy policy,
        string group,
        string kind,
        string? ns,
        string name,
        JsonElement obj,
        IClusterSnapshot cluster,
        string display,
        List<Violation> reasons)
    {
        try
        {
            return policy.Evaluate(
                new EvaluationRequest { Group = group, Kind = kind, Namespace = ns, Name = name, Object = obj, Cluster = cluster },
                EvaluationMode.MutateThenValidate).Violations;
        }
        catch (InvalidObjectException ex)
        {
            reasons.Add(EnvironmentPreChecker.Reason(
                PreCheckRules.Plan,
                "spec",
                display,
                $"the engine could not read {display}: {ex.Message}",
                "report this to the platform team: Guardrails planned an object it cannot judge"));
            return [];
        }
    }

    private static void Route(Violation violation, List<Violation> reasons, List<Violation> warnings)
    {
        switch (violation.Mode)
        {
            case EnforcementMode.Enforce:
                reasons.Add(violation);
                break;
            case EnforcementMode.Warn:
                warnings.Add(violation);
                break;
            default:
                // Audit findings are recorded by admission when real objects arrive; a plan has no audit trail.
                break;
        }
    }

    /// <summary>
    /// A pod whose container omits resources, after Kubernetes' LimitRanger filled them in: <c>default</c> becomes the
    /// limits, <c>defaultRequest</c> the requests, and where <c>defaultRequest</c> is unset the API server defaults it
    /// to <c>default</c> when it stores the LimitRange.
    /// </summary>
    private static JsonElement Probe(string ns, TierSettings tier)
    {
        var limits = new JsonObject();
        foreach (var (resource, value) in tier.DefaultLimits.Entries())
        {
            limits[resource] = value.ToString();
        }

        var requests = new JsonObject();
        foreach (var (resource, value) in tier.DefaultLimits.Entries())
        {
            requests[resource] = value.ToString();
        }

        foreach (var (resource, value) in tier.DefaultRequests.Entries())
        {
            requests[resource] = value.ToString();
        }

        var pod = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = ProbeName, ["namespace"] = ns },
            ["spec"] = new JsonObject
            {
                ["securityContext"] = new JsonObject { ["runAsNonRoot"] = true, ["runAsUser"] = 65534 },
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "app",
                    ["image"] = "registry.k8s.io/pause:3.10",
                    ["resources"] = new JsonObject { ["limits"] = limits, ["requests"] = requests },
                }),
            },
        };
        using var document = JsonDocument.Parse(pod.ToJsonString());
        return document.RootElement.Clone();
    }

    private static string Describe(TierSettings tier)
    {
        static string Side(ContainerDefaults defaults) =>
            defaults.IsEmpty ? "none" : string.Join(", ", defaults.Entries().Select(e => $"{e.Resource} {e.Value}"));

        return $"default {Side(tier.DefaultLimits)}; defaultRequest {Side(tier.DefaultRequests)}";
    }
}
