using Guardrails.Policies.Engine;
using Guardrails.Policies.Packs;

namespace Guardrails.Webhook.Hosting;

/// <summary>
/// A policies directory that enables no rule allows every object: that must be a decision, not an accident.
/// Switching everything off on purpose (<c>enabled: false</c> on a pack, or on or <c>mode: Off</c> for each of its
/// rules) is accepted; no pack at all, or packs with no rules, is refused, so an emptied or deleted pack file never
/// becomes a silent allow-all at start-up or on reload.
/// </summary>
public static class EnabledRuleCheck
{
    public static PolicyLoadResult Apply(PolicyLoadResult result, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Policy is not { } policy)
        {
            return result;
        }

        var packs = policy.Packs;
        if (packs.Any(p => p.Enabled && p.Rules.Any(r => r.Enabled && r.Mode != EnforcementMode.Off)))
        {
            return result;
        }

        if (packs.Count > 0 && packs.All(p => !p.Enabled || p.Rules.Count > 0))
        {
            // Every pack is off, or every one of its rules is: said in so many words.
            return result;
        }

        var why = packs.Count == 0
            ? "no RulePack document in the policies directory, so no rule would judge anything (was a pack file emptied or deleted?)"
            : $"pack(s) {string.Join(", ", packs.Where(p => p.Enabled && p.Rules.Count == 0).Select(p => $"'{p.Name}'"))} list no rules, so no rule would judge anything";
        var file = packs.FirstOrDefault(p => p.Enabled && p.Rules.Count == 0)?.File ?? directory;
        return new PolicyLoadResult(null, [new PackError(file, 0, why + "; to allow everything on purpose, set enabled: false on every pack")]);
    }

    /// <summary>
    /// On reload, also refuses an edit after which no rule judges anything because a pack that judged something is
    /// gone: with a pack that ships disabled beside it (day2), deleting or emptying baseline.yaml would otherwise
    /// read as "every pack is off on purpose". Switching a pack off in place is still accepted.
    /// </summary>
    public static PolicyLoadResult ApplyOnReload(PolicyLoadResult result, CompiledPolicy? previous, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Policy is not { } policy || policy.Matches.Count > 0 || previous is null || previous.Matches.Count == 0)
        {
            return result;
        }

        var gone = previous.Packs
            .Where(p => p.Enabled && p.Name is not null && !policy.Packs.Any(n => n.Name == p.Name))
            .Select(p => $"'{p.Name}'")
            .ToList();
        return gone.Count == 0
            ? result
            : new PolicyLoadResult(null, [new PackError(directory, 0, $"pack(s) {string.Join(", ", gone)} are gone from the policies directory and no enabled rule is left, so no rule would judge anything (was a pack file emptied or deleted?); to allow everything on purpose, set enabled: false on every pack")]);
    }
}
