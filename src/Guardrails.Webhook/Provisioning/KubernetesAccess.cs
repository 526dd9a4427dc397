using System.Text.Json;
using System.Text.Json.Nodes;
using Guardrails.Policies.Resources;
using Guardrails.Webhook.Cluster.Api;

namespace Guardrails.Webhook.Provisioning;

/// <summary>Authentication (TokenReview) and authorization (SubjectAccessReview) delegated to the apiserver, as aggregated APIs do.</summary>
public sealed class KubernetesAccess
{
    private readonly IKubernetesApi _api;

    public KubernetesAccess(IKubernetesApi api)
    {
        _api = api;
    }

    /// <summary>The caller behind a bearer token, or null when the apiserver does not know the token.</summary>
    public async Task<CallerIdentity?> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        var review = new JsonObject
        {
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["kind"] = "TokenReview",
            ["spec"] = new JsonObject { ["token"] = token },
        };
        using var request = JsonDocument.Parse(review.ToJsonString());
        using var answer = await _api.PostAsync("/apis/authentication.k8s.io/v1/tokenreviews", request.RootElement, cancellationToken).ConfigureAwait(false);
        var status = answer.RootElement.Child("status"u8);
        if (status.Child("authenticated"u8).AsBool() != true || status.Child("user"u8).Child("username"u8).AsString() is not { Length: > 0 } user)
        {
            return null;
        }

        var groups = status.Child("user"u8).Child("groups"u8).ValueKind == JsonValueKind.Array
            ? status.Child("user"u8).Child("groups"u8).EnumerateArray().Select(g => g.AsString() ?? "").ToList()
            : [];
        return new CallerIdentity(user, groups);
    }

    /// <summary>
    /// May the caller do <paramref name="verb"/> on Environments for <paramref name="team"/>? Asked with the team as
    /// the namespace, so a platform team grants it with a RoleBinding in the team's namespace (or cluster-wide).
    /// </summary>
    public async Task<bool> AuthorizeAsync(CallerIdentity caller, string verb, string team, CancellationToken cancellationToken)
    {
        var review = new JsonObject
        {
            ["apiVersion"] = "authorization.k8s.io/v1",
            ["kind"] = "SubjectAccessReview",
            ["spec"] = new JsonObject
            {
                ["user"] = caller.User,
                ["groups"] = new JsonArray([.. caller.Groups.Select(g => JsonValue.Create(g))]),
                ["resourceAttributes"] = new JsonObject
                {
                    ["group"] = "guardrails.dev",
                    ["resource"] = "environments",
                    ["verb"] = verb,
                    ["namespace"] = team,
                },
            },
        };
        using var request = JsonDocument.Parse(review.ToJsonString());
        using var answer = await _api.PostAsync("/apis/authorization.k8s.io/v1/subjectaccessreviews", request.RootElement, cancellationToken).ConfigureAwait(false);
        return answer.RootElement.Child("status"u8).Child("allowed"u8).AsBool() == true;
    }
}
