namespace Guardrails.Webhook.Tests.Support.FakeKube;

/// <summary>
/// A request as the fake saw it. <see cref="User"/> is who it authenticated as (null when it did not), and
/// <see cref="AuthenticatedBy"/> says how: <c>token</c> or <c>certificate</c>. <see cref="Protocol"/> is HTTP/1.1 or HTTP/2.
/// </summary>
internal sealed record RecordedRequest(string Method, string Path, string Query, string? User, string? AuthenticatedBy, string Protocol)
{
    public string PathAndQuery => Path + Query;

    public bool IsWatch => Query.Contains("watch=true", StringComparison.Ordinal) || Query.Contains("watch=1", StringComparison.Ordinal);

    public override string ToString() => $"{Method} {PathAndQuery} as {User ?? "(anonymous)"}";
}
