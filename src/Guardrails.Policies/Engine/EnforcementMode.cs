namespace Guardrails.Policies.Engine;

public enum EnforcementMode
{
    /// <summary>Deny the request.</summary>
    Enforce,

    /// <summary>Allow, and return the violation as an admission warning (kubectl prints it).</summary>
    Warn,

    /// <summary>Allow, and record the violation as an audit annotation.</summary>
    Audit,

    /// <summary>Not evaluated.</summary>
    Off,
}
