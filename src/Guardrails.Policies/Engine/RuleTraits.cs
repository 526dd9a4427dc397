using Guardrails.Policies.Authoring;

namespace Guardrails.Policies.Engine;

/// <summary>
/// What a bound rule says about itself (match, mutates, budget), read once at compile time under a budget: a rule
/// file's getters are its own code, and must neither hang the loader nor throw later on the request path.
/// </summary>
internal sealed record RuleTraits(Match? Match, bool Mutates, TimeSpan Budget, string? Problem)
{
    private static readonly TimeSpan MaxBudget = TimeSpan.FromSeconds(1);

    public static RuleTraits Read(Rule rule)
    {
        var previous = RuleBudget.Start(MaxBudget);
        try
        {
            var match = rule.Match ?? throw new InvalidOperationException("its Match is null");
            var budget = rule.Budget;
            if (budget <= TimeSpan.Zero || budget > MaxBudget)
            {
                return new RuleTraits(null, false, default, $"its budget {RuleBudget.Format(budget)} must be above 0 and at most 1 s (the webhook must answer inside the apiserver's timeout)");
            }

            return new RuleTraits(match, rule.Mutates, budget, null);
        }
        catch (Exception ex)
        {
            return new RuleTraits(null, false, default, $"reading its Match, Mutates or Budget failed: {ex.Message}");
        }
        finally
        {
            RuleBudget.Restore(previous);
        }
    }
}
