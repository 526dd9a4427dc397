namespace Guardrails.Policies.Exceptions;

/// <summary>
/// What Guardrails' webhook writes on a PolicyException from the admission request's userInfo. Whatever a requester
/// writes there themselves is overwritten by <c>/mutate</c> and refused by <c>/validate</c>.
/// </summary>
public static class ExceptionAnnotations
{
    public const string RequestedBy = "guardrails.dev/requested-by";

    public const string ApprovedBy = "guardrails.dev/approved-by";

    /// <summary>An approver sets this (any value but "false") to approve; <c>/mutate</c> replaces it with <see cref="ApprovedBy"/>.</summary>
    public const string Approve = "guardrails.dev/approve";
}
