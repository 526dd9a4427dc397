namespace Guardrails.Policies.Rules.IngressTls;

public sealed record IngressTlsParameters
{
    /// <summary>Hosts (or <c>*.</c> wildcards) that may be served over plain HTTP, e.g. an ACME solver's.</summary>
    public IReadOnlyList<string> ExemptHosts { get; init; } = [];
}
