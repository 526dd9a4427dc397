namespace Guardrails.Webhook.Hosting;

/// <summary>The serve options are invalid; <see cref="Errors"/> holds every reason, one per option.</summary>
public sealed class ServeOptionsException : Exception
{
    public ServeOptionsException()
        : this([])
    {
    }

    public ServeOptionsException(string message)
        : this([message])
    {
    }

    public ServeOptionsException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    public ServeOptionsException(IReadOnlyList<string> errors)
        : base($"invalid configuration: {string.Join("; ", errors)}")
    {
        Errors = errors;
    }

    public IReadOnlyList<string> Errors { get; }
}
