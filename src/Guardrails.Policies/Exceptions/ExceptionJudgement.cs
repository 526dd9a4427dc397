namespace Guardrails.Policies.Exceptions;

/// <param name="State">What the exception does now.</param>
/// <param name="Reasons">Every reason it is not Active (all at once), or why it waits.</param>
/// <param name="Allowed">What the pack allows for this rule, in words, for a refusal's fix.</param>
public sealed record ExceptionJudgement(ExceptionState State, IReadOnlyList<string> Reasons, string Allowed)
{
    public bool Covers => State == ExceptionState.Active;
}
