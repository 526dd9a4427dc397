using System.Text.Json;
using Guardrails.Policies.Packs;
using Guardrails.Policies.Resources;

namespace Guardrails.Policies.State;

/// <summary>
/// What admission needs to know about a PodDisruptionBudget: which pods it selects and how many must stay. Kept by
/// the watch cache (the body is not), read from files and request bodies by the offline doors alike.
/// </summary>
/// <param name="Selector">Null when the budget has none: in policy/v1 it then selects no pod.</param>
public sealed record DisruptionBudgetSummary(string Namespace, string Name, LabelSelector? Selector, IntOrPercent? MinAvailable, IntOrPercent? MaxUnavailable)
{
    public static DisruptionBudgetSummary Read(JsonElement item, string defaultNamespace = "default")
    {
        var (name, ns) = StateReader.Identity(item, defaultNamespace);
        var spec = item.Child("spec"u8);
        return new DisruptionBudgetSummary(
            string.Intern(ns),
            name,
            SelectorReader.Read(spec.Child("selector"u8)),
            IntOrPercent.Read(spec.Child("minAvailable"u8)),
            IntOrPercent.Read(spec.Child("maxUnavailable"u8)));
    }

    /// <summary>Whether the budget selects pods with these labels.</summary>
    public bool Selects(IReadOnlyDictionary<string, string> podLabels) => Selector is { } selector && selector.Matches(podLabels);
}
