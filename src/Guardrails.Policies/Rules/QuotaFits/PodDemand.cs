using System.Text.Json;
using Guardrails.Policies.Quantities;
using Guardrails.Policies.Resources;
using Guardrails.Policies.State;

namespace Guardrails.Policies.Rules.QuotaFits;

/// <summary>
/// One pod's effective requests and limits as Kubernetes computes them (resourcehelper.PodRequests): the larger of
/// the app containers' sum (plus sidecars) and each init container's need (plus the sidecars started before it),
/// plus pod overhead. LimitRange defaults fill what containers omit, as the LimitRanger admission plugin would.
/// </summary>
internal sealed class PodDemand
{
    private readonly Quantity[] _values = new Quantity[DemandResources.PerPodCount];
    private readonly bool[] _unset = new bool[DemandResources.PerPodCount];

    public Quantity this[DemandResource resource] => _values[(int)resource];

    /// <summary>Some container has no value for this resource even after LimitRange defaults.</summary>
    public bool IsUnset(DemandResource resource) => _unset[(int)resource];

    public static PodDemand Compute(Workload workload, IReadOnlyList<LimitRangeDefaults> limitRanges)
    {
        var demand = new PodDemand();
        for (var r = 0; r < DemandResources.PerPodCount; r++)
        {
            var resource = (DemandResource)r;
            var apps = Quantity.Zero;
            foreach (var container in workload.GetGroup(ContainerGroup.Containers))
            {
                apps += demand.ContainerValue(container, resource, limitRanges);
            }

            var sidecars = Quantity.Zero;
            var initPeak = Quantity.Zero;
            foreach (var init in workload.GetGroup(ContainerGroup.InitContainers))
            {
                var value = demand.ContainerValue(init, resource, limitRanges);
                Quantity need;
                if (init.IsSidecar)
                {
                    apps += value;
                    sidecars += value;
                    need = sidecars;
                }
                else
                {
                    need = value + sidecars;
                }

                initPeak = need > initPeak ? need : initPeak;
            }

            var (_, name) = resource.Field();
            var overhead = Parse(workload.PodSpec.Child("overhead"u8).Child(name), workload.PodFieldPath($"overhead.{name}"));
            demand._values[r] = (apps > initPeak ? apps : initPeak) + (overhead ?? Quantity.Zero);
        }

        return demand;
    }

    private Quantity ContainerValue(ContainerRef container, DemandResource resource, IReadOnlyList<LimitRangeDefaults> limitRanges)
    {
        var (section, name) = resource.Field();
        var resources = container.Resources;
        var limit = Parse(resources.Child("limits"u8).Child(name), container.FieldPath($"resources.limits.{name}"))
            ?? Default(limitRanges, name, requests: false);
        Quantity? value = section == "limits"
            ? limit
            : Parse(resources.Child("requests"u8).Child(name), container.FieldPath($"resources.requests.{name}"))
                ?? ExplicitLimitOrDefaultRequest(resources, container, name, limitRanges)
                ?? limit;
        if (value is null)
        {
            _unset[(int)resource] = true;
        }

        return value ?? Quantity.Zero;
    }

    // Kubernetes defaults a missing request to the container's own limit before LimitRanger runs.
    private static Quantity? ExplicitLimitOrDefaultRequest(JsonElement resources, ContainerRef container, string name, IReadOnlyList<LimitRangeDefaults> limitRanges) =>
        Parse(resources.Child("limits"u8).Child(name), container.FieldPath($"resources.limits.{name}"))
            ?? Default(limitRanges, name, requests: true);

    private static Quantity? Default(IReadOnlyList<LimitRangeDefaults> limitRanges, string name, bool requests)
    {
        foreach (var limitRange in limitRanges)
        {
            var map = requests ? limitRange.DefaultRequests : limitRange.DefaultLimits;
            if (map.TryGetValue(name, out var value))
            {
                return value;
            }
        }

        return null;
    }

    private static Quantity? Parse(JsonElement element, string path)
    {
        if (!element.IsPresent())
        {
            return null;
        }

        return Quantity.TryParse(element.AsScalarText(), out var quantity, out var error)
            ? quantity
            : throw new Engine.InvalidObjectException($"{path}: {error}");
    }
}
