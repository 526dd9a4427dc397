namespace Guardrails.Webhook.Provisioning;

/// <summary>The people and groups bound to each of the environment's three roles.</summary>
public sealed record EnvironmentMembers(RoleMembers Viewers, RoleMembers Editors, RoleMembers Admins)
{
    public static EnvironmentMembers None { get; } = new(RoleMembers.None, RoleMembers.None, RoleMembers.None);
}
