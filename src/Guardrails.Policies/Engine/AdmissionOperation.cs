namespace Guardrails.Policies.Engine;

public enum AdmissionOperation
{
    Create,
    Update,
    Delete,
    Connect,
}
