namespace Guardrails.Webhook.Provisioning;

/// <summary>
/// Rule ids of the pre-check's own reasons, reported as <see cref="Guardrails.Policies.Engine.Violation"/>s beside the
/// engine's so that every door shows them alike. Reasons from the engine keep the engine rule's id and pack.
/// </summary>
public static class PreCheckRules
{
    /// <summary>The pack name the pre-check's own reasons carry.</summary>
    public const string Pack = "provisioning";

    public const string EnvironmentName = "environment-name";
    public const string Tier = "environment-tier";
    public const string Team = "environment-team";
    public const string NamespaceOwner = "namespace-owner";
    public const string TeamBudget = "team-budget";
    public const string TierPacks = "tier-packs";

    /// <summary>A planned object the engine could not read: a Guardrails bug, reported rather than thrown.</summary>
    public const string Plan = "environment-plan";
}
