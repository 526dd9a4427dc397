using System.Diagnostics.CodeAnalysis;

namespace Guardrails.Webhook.Provisioning;

/// <summary>A request read from an Environment object or a REST body, or every reason it could not be read.</summary>
public sealed record EnvironmentParseResult(EnvironmentRequest? Request, IReadOnlyList<FieldError> Errors)
{
    [MemberNotNullWhen(true, nameof(Request))]
    public bool Succeeded => Request is not null;
}
