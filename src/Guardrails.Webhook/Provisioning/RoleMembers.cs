namespace Guardrails.Webhook.Provisioning;

/// <summary>Who holds one role in an environment: Kubernetes user names and group names, as the authenticator reports them.</summary>
public sealed record RoleMembers(IReadOnlyList<string> Users, IReadOnlyList<string> Groups)
{
    public static RoleMembers None { get; } = new([], []);

    public bool IsEmpty => Users.Count == 0 && Groups.Count == 0;
}
