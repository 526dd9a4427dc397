namespace Guardrails.Policies.Quantities;

/// <summary>Thrown by <see cref="Quantity.Parse(string)"/>; the message names the value and the reason.</summary>
public sealed class QuantityFormatException : FormatException
{
    public QuantityFormatException()
        : base("The value is not a valid quantity.")
    {
    }

    public QuantityFormatException(string message)
        : base(message)
    {
    }

    public QuantityFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
