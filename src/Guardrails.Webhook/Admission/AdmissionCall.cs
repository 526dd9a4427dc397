namespace Guardrails.Webhook.Admission;

public enum AdmissionOperationKind
{
    Validate,
    Mutate,
}

/// <summary>One admission request moving through the handler chain.</summary>
public sealed class AdmissionCall
{
    public AdmissionCall(AdmissionReview review, AdmissionOperationKind operation, TimeSpan deadline, CancellationToken aborted)
    {
        Review = review;
        Operation = operation;
        Deadline = deadline;
        Aborted = aborted;
    }

    public AdmissionReview Review { get; }

    public AdmissionOperationKind Operation { get; }

    /// <summary>How long the caller will wait: the apiserver's <c>?timeout=</c> less a safety margin.</summary>
    public TimeSpan Deadline { get; }

    public CancellationToken Aborted { get; }
}
