using Guardrails.Policies.Exceptions;

namespace Guardrails.Webhook.Exceptions;

/// <summary>One exception as judged now: what it does, why, and how long it has left.</summary>
public sealed record ExceptionStatusEntry(PolicyException Exception, ExceptionJudgement Judgement, TimeSpan TimeLeft);
