namespace Guardrails.Policies.Engine;

public static class AdmissionOperations
{
    /// <summary>The apiserver's spelling (<c>CREATE</c>, <c>UPDATE</c>, <c>DELETE</c>, <c>CONNECT</c>); null for anything else.</summary>
    public static AdmissionOperation? Parse(string? operation) => operation switch
    {
        "CREATE" => AdmissionOperation.Create,
        "UPDATE" => AdmissionOperation.Update,
        "DELETE" => AdmissionOperation.Delete,
        "CONNECT" => AdmissionOperation.Connect,
        _ => null,
    };
}
