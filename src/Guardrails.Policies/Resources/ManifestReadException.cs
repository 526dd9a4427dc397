namespace Guardrails.Policies.Resources;

/// <summary>A document cannot be turned into JSON (too large, too deep, a key that is not a string); the message says why.</summary>
internal sealed class ManifestReadException : Exception
{
    public ManifestReadException(string message)
        : base(message)
    {
    }

    public ManifestReadException()
    {
    }

    public ManifestReadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ManifestReadException(string message, int line)
        : base(message)
    {
        Line = line;
    }

    /// <summary>Where the problem is, when it is not the document's first line.</summary>
    public int? Line { get; }
}
