using Guardrails.Policies.Engine;

namespace Guardrails.Webhook.Provisioning;

/// <summary>
/// Decides whether an environment may be created, before anything is: names, tier, team and budget, namespace
/// ownership, the tier's expected packs, and the compiled rules on every planned object and on a pod that relies on
/// the tier's defaults. Every reason is reported at once. Pure: the caller supplies what it knows of the cluster.
/// </summary>
public static class EnvironmentPreChecker
{
    private const string ReservedPrefix = "kube-";

    /// <param name="request">The environment asked for.</param>
    /// <param name="settings">The platform settings serving now.</param>
    /// <param name="policy">The compiled policy serving now: the plan is judged by the same rules as admission.</param>
    /// <param name="existingForTeam">The team's environments; this one, if listed (a re-apply or resize), is not counted twice.</param>
    /// <param name="namespaceOwner">Who owns a namespace name in the cluster.</param>
    public static PreCheckResult PreCheck(
        EnvironmentRequest request,
        PlatformSettings settings,
        CompiledPolicy policy,
        IReadOnlyList<EnvironmentRequest> existingForTeam,
        Func<string, NamespaceOwnership> namespaceOwner)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(existingForTeam);
        ArgumentNullException.ThrowIfNull(namespaceOwner);

        var reasons = new List<Violation>();
        var warnings = new List<Violation>();
        CheckNames(request, reasons);
        CheckOwner(request, namespaceOwner(request.Namespace), reasons);
        if (settings.Teams.TryGetValue(request.Team, out var team))
        {
            TeamBudgetCheck.Check(request, team, existingForTeam, settings.File, reasons);
        }
        else
        {
            reasons.Add(Reason(
                PreCheckRules.Team,
                "spec.team",
                request.Team,
                $"team '{request.Team}' is not in the platform settings, so it has no budget and cannot have environments",
                $"ask the platform team to add '{request.Team}' with a budget under spec.teams in {settings.File}"));
        }

        EnvironmentPlan? plan = null;
        if (settings.Tiers.TryGetValue(request.Tier, out var tier))
        {
            plan = EnvironmentPlanner.Plan(request, settings);
            CheckPacks(request, tier, policy, settings.File, reasons);
            PlanJudge.Judge(request, tier, plan, policy, settings.File, reasons, warnings);
        }
        else
        {
            var offered = PlatformSettings.KnownTiers.Where(settings.Tiers.ContainsKey).ToList();
            reasons.Add(Reason(
                PreCheckRules.Tier,
                "spec.tier",
                request.Tier,
                $"tier '{request.Tier}' is not offered by the platform (offered: {(offered.Count == 0 ? "none" : string.Join(", ", offered))})",
                offered.Count == 0 ? $"ask the platform team to define tiers in {settings.File}" : $"use one of: {string.Join(", ", offered)}"));
        }

        return new PreCheckResult(reasons, warnings, plan);
    }

    internal static Violation Reason(string rule, string path, string actual, string message, string fix) =>
        new(rule, path, actual, message, fix, EnforcementMode.Enforce, PreCheckRules.Pack);

    private static void CheckNames(EnvironmentRequest request, List<Violation> reasons)
    {
        var teamValid = DnsLabel.IsValid(request.Team);
        var nameValid = DnsLabel.IsValid(request.Name);
        if (!teamValid)
        {
            reasons.Add(Reason(PreCheckRules.EnvironmentName, "spec.team", request.Team, $"team '{request.Team}' is not {DnsLabel.Description}", "use the team's name as the platform settings list it, for example team-a"));
        }

        if (!nameValid)
        {
            reasons.Add(Reason(PreCheckRules.EnvironmentName, "spec.name", request.Name, $"name '{request.Name}' is not {DnsLabel.Description}", "use a short lowercase name, for example web or checkout-dev"));
        }

        var ns = request.Namespace;
        if (teamValid && nameValid && ns.Length > DnsLabel.MaxLength)
        {
            var room = DnsLabel.MaxLength - request.Team.Length - 1;
            reasons.Add(Reason(
                PreCheckRules.EnvironmentName,
                "spec.name",
                request.Name,
                $"the namespace '{ns}' would be {ns.Length} characters, above Kubernetes' limit of {DnsLabel.MaxLength}",
                room > 0 ? $"shorten spec.name to at most {room} characters" : "the team name leaves no room for an environment name; ask the platform team"));
        }

        if (nameValid && request.Name.StartsWith(request.Team + "-", StringComparison.Ordinal))
        {
            var rest = request.Name[(request.Team.Length + 1)..];
            reasons.Add(Reason(
                PreCheckRules.EnvironmentName,
                "spec.name",
                request.Name,
                $"name '{request.Name}' already starts with the team '{request.Team}', so the namespace would be '{ns}'",
                $"use '{rest}' as spec.name: the team is prefixed automatically"));
        }

        if (teamValid && ns.StartsWith(ReservedPrefix, StringComparison.Ordinal))
        {
            reasons.Add(Reason(
                PreCheckRules.EnvironmentName,
                "spec.team",
                request.Team,
                $"the namespace '{ns}' would start with '{ReservedPrefix}', which Kubernetes reserves for its own namespaces",
                "ask the platform team for a team name that does not start with 'kube'"));
        }
    }

    private static void CheckOwner(EnvironmentRequest request, NamespaceOwnership ownership, List<Violation> reasons)
    {
        var ns = request.Namespace;
        switch (ownership)
        {
            case NamespaceOwnership.NotOwnedByGuardrails:
                reasons.Add(Reason(
                    PreCheckRules.NamespaceOwner,
                    "spec.name",
                    request.Name,
                    $"namespace '{ns}' already exists and Guardrails does not manage it: provisioning would take over someone else's namespace",
                    "choose another spec.name, or ask whoever owns that namespace to remove it"));
                break;
            case NamespaceOwnership.OwnedByGuardrailsOtherEnvironment:
                reasons.Add(Reason(
                    PreCheckRules.NamespaceOwner,
                    "spec.name",
                    request.Name,
                    $"namespace '{ns}' already belongs to another Environment",
                    "choose another spec.name: two environments cannot share a namespace"));
                break;
            default:
                break;
        }
    }

    /// <summary>An environment must not come into being without the guardrails its tier promises.</summary>
    private static void CheckPacks(EnvironmentRequest request, TierSettings tier, CompiledPolicy policy, string settingsFile, List<Violation> reasons)
    {
        foreach (var name in tier.Packs)
        {
            var pack = policy.Packs.FirstOrDefault(p => p.Name == name);
            if (pack is null)
            {
                reasons.Add(Reason(
                    PreCheckRules.TierPacks,
                    "spec.tier",
                    request.Tier,
                    $"tier {request.Tier} requires rule pack '{name}', which is not loaded",
                    $"the platform team must add pack '{name}' to the policies directory, or remove it from spec.tiers.{request.Tier}.packs in {settingsFile}"));
            }
            else if (!pack.Enabled)
            {
                reasons.Add(Reason(
                    PreCheckRules.TierPacks,
                    "spec.tier",
                    request.Tier,
                    $"tier {request.Tier} requires rule pack '{name}', which is loaded but disabled (spec.enabled: false in {pack.File})",
                    $"the platform team must enable pack '{name}', or remove it from spec.tiers.{request.Tier}.packs in {settingsFile}"));
            }
        }
    }
}
