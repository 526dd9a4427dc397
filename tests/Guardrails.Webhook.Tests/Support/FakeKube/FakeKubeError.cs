namespace Guardrails.Webhook.Tests.Support.FakeKube;

/// <summary>An answer the fake gives as a Status body with this code and reason.</summary>
internal sealed class FakeKubeError : Exception
{
    public FakeKubeError()
    {
    }

    public FakeKubeError(string message)
        : base(message)
    {
    }

    public FakeKubeError(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FakeKubeError(int code, string reason, string message)
        : base(message)
    {
        Code = code;
        Reason = reason;
    }

    public int Code { get; } = 500;

    public string Reason { get; } = "InternalError";

    public static FakeKubeError NotFound(string plural, string name) => new(404, "NotFound", $"{plural} \"{name}\" not found");

    public static FakeKubeError BadRequest(string message) => new(400, "BadRequest", message);

    public static FakeKubeError Expired(string message) => new(410, "Expired", message);
}
