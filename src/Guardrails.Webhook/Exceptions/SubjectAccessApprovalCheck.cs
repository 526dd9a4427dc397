using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Guardrails.Policies.Exceptions;
using Guardrails.Policies.Resources;
using Guardrails.Webhook.Cluster.Api;

namespace Guardrails.Webhook.Exceptions;

/// <summary>
/// Asks the apiserver (SubjectAccessReview) whether the user may <c>approve</c> <c>policyexceptions.guardrails.dev</c>
/// in the namespace, as RBAC grants it. Answers are kept for a few seconds, and at most a bounded number of them,
/// so a burst of approvals costs one review each, not one per retry.
/// </summary>
public sealed class SubjectAccessApprovalCheck : IApprovalCheck
{
    public const string Verb = "approve";
    private const int MaxCached = 1024;
    private static readonly TimeSpan KeepFor = TimeSpan.FromSeconds(10);

    private readonly IKubernetesApi _api;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (bool Allowed, DateTimeOffset Until)> _answers = new(StringComparer.Ordinal);

    public SubjectAccessApprovalCheck(IKubernetesApi api, TimeProvider time)
    {
        _api = api;
        _time = time;
    }

    public async Task<string?> RefusalAsync(string user, IReadOnlyList<string> groups, string @namespace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var key = $"{user}\n{string.Join(',', groups.Order(StringComparer.Ordinal))}\n{@namespace}";
        var now = _time.GetUtcNow();
        if (!_answers.TryGetValue(key, out var answer) || answer.Until <= now)
        {
            bool allowed;
            try
            {
                allowed = await AskAsync(user, groups, @namespace, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is KubernetesApiException or HttpRequestException or TimeoutException or IOException)
            {
                return $"Guardrails could not ask the apiserver whether {user} may approve ({ex.Message}); try again";
            }

            if (_answers.Count >= MaxCached)
            {
                _answers.Clear();
            }

            _answers[key] = answer = (allowed, now + KeepFor);
        }

        return answer.Allowed
            ? null
            : $"{user} may not approve PolicyExceptions in namespace {@namespace}: approving needs the verb '{Verb}' on {PolicyException.Plural}.{PolicyException.Group} there (a Role or ClusterRole bound to them)";
    }

    private async Task<bool> AskAsync(string user, IReadOnlyList<string> groups, string @namespace, CancellationToken cancellationToken)
    {
        var review = new JsonObject
        {
            ["apiVersion"] = "authorization.k8s.io/v1",
            ["kind"] = "SubjectAccessReview",
            ["spec"] = new JsonObject
            {
                ["user"] = user,
                ["groups"] = new JsonArray([.. groups.Select(g => JsonValue.Create(g))]),
                ["resourceAttributes"] = new JsonObject
                {
                    ["group"] = PolicyException.Group,
                    ["resource"] = PolicyException.Plural,
                    ["verb"] = Verb,
                    ["namespace"] = @namespace,
                },
            },
        };
        using var request = JsonDocument.Parse(review.ToJsonString());
        using var answer = await _api.PostAsync("/apis/authorization.k8s.io/v1/subjectaccessreviews", request.RootElement, cancellationToken).ConfigureAwait(false);
        return answer.RootElement.Child("status"u8).Child("allowed"u8).AsBool() == true;
    }
}
