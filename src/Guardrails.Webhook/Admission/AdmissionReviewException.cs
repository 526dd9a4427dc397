namespace Guardrails.Webhook.Admission;

/// <summary>The request is not a usable AdmissionReview; the message names what is wrong (returned as a 4xx).</summary>
public sealed class AdmissionReviewException : Exception
{
    public AdmissionReviewException(string message)
        : base(message)
    {
    }

    public AdmissionReviewException()
    {
    }

    public AdmissionReviewException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
