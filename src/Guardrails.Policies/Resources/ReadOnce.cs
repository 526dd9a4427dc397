namespace Guardrails.Policies.Resources;

/// <summary>A string read from a manifest the first time it is asked for (null is a value too, so a flag says it was read).</summary>
internal struct ReadOnce
{
    private string? _value;
    private bool _read;

    public string? Get(Manifest manifest, Func<Manifest, string?> read)
    {
        if (!_read)
        {
            _value = read(manifest);
            _read = true;
        }

        return _value;
    }
}
