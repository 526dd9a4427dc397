namespace Guardrails.Policies.Patching;

public sealed class JsonPatchException : Exception
{
    public JsonPatchException(string message)
        : base(message)
    {
    }

    public JsonPatchException()
    {
    }

    public JsonPatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
