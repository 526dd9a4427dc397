namespace Guardrails.Policies.Patching;

public enum OperationType
{
    Add,
    Remove,
    Replace,
    Move,
    Copy,
    Test,
}
