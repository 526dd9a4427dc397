namespace Guardrails.Policies.Tests.Authoring;

public enum OwnerSeverity
{
    Low,
    High,
}
