namespace Guardrails.Webhook.Exceptions;

/// <summary>Whether a user may approve PolicyExceptions in a namespace: the custom verb <c>approve</c> on <c>policyexceptions.guardrails.dev</c>.</summary>
public interface IApprovalCheck
{
    /// <returns>Null when allowed; otherwise why not, in words.</returns>
    Task<string?> RefusalAsync(string user, IReadOnlyList<string> groups, string @namespace, CancellationToken cancellationToken);
}
