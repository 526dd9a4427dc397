namespace Guardrails.Policies.Exceptions;

/// <summary>What an exception does now; only <see cref="Active"/> covers anything.</summary>
public enum ExceptionState
{
    Active,
    PendingApproval,
    Expired,
    Rejected,
}
