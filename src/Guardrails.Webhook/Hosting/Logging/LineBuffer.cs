namespace Guardrails.Webhook.Hosting.Logging;

/// <summary>Encoded lines back to back in one growable array: a batch is written with a single call.</summary>
internal sealed class LineBuffer
{
    private const int InitialBytes = 16 * 1024;
    private byte[] _bytes = new byte[InitialBytes];

    public int Length { get; private set; }

    /// <summary>How many lines (appended entries) the buffer holds.</summary>
    public int Lines { get; private set; }

    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, Length);

    public void Append(ReadOnlySpan<byte> line)
    {
        if (Length + line.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + line.Length));
        }

        line.CopyTo(_bytes.AsSpan(Length));
        Length += line.Length;
        Lines++;
    }

    public void Clear()
    {
        Length = 0;
        Lines = 0;
    }
}
