namespace Guardrails.Policies.Authoring;

/// <summary>A rule file ran past its budget (or recursed too deeply); the engine turns it into a violation in the rule's mode.</summary>
public sealed class RuleBudgetExceededException : Exception
{
    public RuleBudgetExceededException(string message)
        : base(message)
    {
    }

    public RuleBudgetExceededException()
    {
    }

    public RuleBudgetExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
