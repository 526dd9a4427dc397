using Guardrails.Policies.Engine;
using Guardrails.Policies.Quantities;

namespace Guardrails.Webhook.Provisioning;

/// <summary>Whether the team's environments, this one included, still fit its budget; with the arithmetic in the message.</summary>
internal static class TeamBudgetCheck
{
    public static void Check(EnvironmentRequest request, TeamSettings team, IReadOnlyList<EnvironmentRequest> existingForTeam, string settingsFile, List<Violation> reasons)
    {
        // The environment itself may be in the list (it is being re-applied or resized): its old size is replaced, not added to.
        var others = existingForTeam.Where(e => e.Team == request.Team && e.Namespace != request.Namespace).ToList();
        foreach (var resource in EnvironmentResources.Names)
        {
            if (team.Budget.Get(resource) is not { } budget)
            {
                continue;
            }

            var path = $"spec.resources.{resource}";
            if (request.Resources.Get(resource) is not { } requested)
            {
                // Left unset, the namespace's quota would not limit it, and the budget could be escaped.
                reasons.Add(EnvironmentPreChecker.Reason(
                    PreCheckRules.TeamBudget,
                    path,
                    "unset",
                    $"team {team.Name} has a {resource} budget of {budget}, so each of its environments must set {path}",
                    $"set {path} (0 if the environment needs none)"));
                continue;
            }

            try
            {
                var used = others.Aggregate(Quantity.Zero, (sum, e) => sum + (e.Resources.Get(resource) ?? Quantity.Zero));
                var total = used + requested;
                if (total <= budget)
                {
                    continue;
                }

                var left = budget > used ? budget - used : Quantity.Zero;
                var environments = others.Count == 1 ? "1 environment" : $"{others.Count} environments";
                var fix = left.IsZero
                    ? $"the team has no {resource} left: delete an environment it no longer needs, or ask the platform team to raise team {team.Name}'s {resource} budget in {settingsFile}"
                    : $"ask for at most {left} {resource} (what the team has left), delete an environment it no longer needs, or ask the platform team to raise team {team.Name}'s {resource} budget in {settingsFile}";
                reasons.Add(EnvironmentPreChecker.Reason(
                    PreCheckRules.TeamBudget,
                    path,
                    requested.ToString(),
                    $"team {team.Name} would use {resource} {total} ({used} in {environments} + {requested} requested) but its budget is {budget}",
                    fix));
            }
            catch (OverflowException)
            {
                reasons.Add(EnvironmentPreChecker.Reason(
                    PreCheckRules.TeamBudget,
                    path,
                    requested.ToString(),
                    $"{resource} {requested} is too large to add up against team {team.Name}'s budget of {budget}",
                    $"ask for at most {budget} {resource}"));
            }
        }
    }
}
