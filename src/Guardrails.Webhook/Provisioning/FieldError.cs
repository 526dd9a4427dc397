namespace Guardrails.Webhook.Provisioning;

/// <summary>Why a request could not be read: the field path (<c>spec.resources.cpu</c>) and what is wrong with it.</summary>
public sealed record FieldError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
