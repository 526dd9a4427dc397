namespace Guardrails.Webhook.Hosting;

public sealed class RequestTooLargeException : Exception
{
    public RequestTooLargeException(long limit)
        : base($"request body is larger than the {limit} byte limit (--max-body-bytes)")
    {
        Limit = limit;
    }

    public RequestTooLargeException()
    {
    }

    public RequestTooLargeException(string message)
        : base(message)
    {
    }

    public RequestTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public long Limit { get; }
}
