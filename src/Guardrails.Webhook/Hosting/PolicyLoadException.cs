using Guardrails.Policies.Packs;

namespace Guardrails.Webhook.Hosting;

public sealed class PolicyLoadException : Exception
{
    public PolicyLoadException(IReadOnlyList<PackError> errors)
        : base("the rule packs are invalid:" + string.Concat(errors.Select(e => Environment.NewLine + "  " + e)))
    {
        Errors = errors;
    }

    public PolicyLoadException()
    {
        Errors = [];
    }

    public PolicyLoadException(string message)
        : base(message)
    {
        Errors = [];
    }

    public PolicyLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public IReadOnlyList<PackError> Errors { get; }
}
