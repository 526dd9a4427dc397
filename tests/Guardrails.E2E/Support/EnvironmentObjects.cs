using System.Text.Json.Nodes;

namespace Guardrails.E2E.Support;

/// <summary>
/// The Environments the provisioning cases ask for, as a developer writes them. Each carries the run label: the
/// webhooks' objectSelector is the only fence for a cluster-scoped object, and cleanup finds them by it.
/// </summary>
internal static class EnvironmentObjects
{
    /// <summary>Fully qualified, so no other group's <c>environments</c> in the cluster can be meant.</summary>
    public const string Resource = RepositoryCrd.Environments;

    public const string Tier = "dev";
    public const string ViewerGroup = "e2e-auditors";
    public const string EditorUser = "dev@example.com";
    public const string EditorGroup = "e2e-developers";
    public const string AdminUser = "lead@example.com";

    /// <summary>An Environment of <paramref name="team"/> named <c>{team}-{name}</c>, with one member group or user per role.</summary>
    public static string Environment(string team, string name, string runId, string cpu, string memory, string pods) => $"""
        apiVersion: guardrails.dev/v1alpha1
        kind: Environment
        metadata:
          name: {team}-{name}
          labels:
            {TestObjects.RunLabel}: "{runId}"
        spec:
          team: {team}
          name: {name}
          tier: {Tier}
          resources:
            cpu: "{cpu}"
            memory: "{memory}"
            pods: "{pods}"
          members:
            viewers:
              groups: ["{ViewerGroup}"]
            editors:
              users: ["{EditorUser}"]
              groups: ["{EditorGroup}"]
            admins:
              users: ["{AdminUser}"]
        """;

    /// <summary>The REST door's body: the spec alone.</summary>
    public static string Spec(string team, string name, string cpu, string memory, string pods) => new JsonObject
    {
        ["team"] = team,
        ["name"] = name,
        ["tier"] = Tier,
        ["resources"] = new JsonObject { ["cpu"] = cpu, ["memory"] = memory, ["pods"] = pods },
        ["members"] = new JsonObject
        {
            ["viewers"] = new JsonObject { ["groups"] = new JsonArray(ViewerGroup) },
            ["editors"] = new JsonObject { ["users"] = new JsonArray(EditorUser), ["groups"] = new JsonArray(EditorGroup) },
            ["admins"] = new JsonObject { ["users"] = new JsonArray(AdminUser) },
        },
    }.ToJsonString();
}
