namespace Guardrails.Policies.Engine;

public enum EvaluationMode
{
    /// <summary>Judge the object as it is (the validating webhook).</summary>
    Validate,

    /// <summary>Compute the defaults patch, then judge the patched object: what mutating followed by validating admission decides.</summary>
    MutateThenValidate,
}
