namespace Guardrails.Webhook.Exceptions;

/// <summary>Without a cluster nobody can be asked about, so nobody may approve.</summary>
public sealed class NoApprovalCheck : IApprovalCheck
{
    public Task<string?> RefusalAsync(string user, IReadOnlyList<string> groups, string @namespace, CancellationToken cancellationToken) =>
        Task.FromResult<string?>("Guardrails runs without a cluster, so it cannot ask whether anyone may approve");
}
