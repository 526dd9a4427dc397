namespace Guardrails.Webhook.Admission;

/// <summary>The two composed handler chains, built once at startup.</summary>
public sealed class AdmissionPipeline
{
    public AdmissionPipeline(AdmissionHandler validate, AdmissionHandler mutate)
    {
        Validate = validate;
        Mutate = mutate;
    }

    public AdmissionHandler Validate { get; }

    public AdmissionHandler Mutate { get; }
}
