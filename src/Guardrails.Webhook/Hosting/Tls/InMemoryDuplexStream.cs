using System.IO.Pipelines;

namespace Guardrails.Webhook.Hosting.Tls;

/// <summary>One end of an in-memory connection: reads what the other end writes, and the other way round.</summary>
internal sealed class InMemoryDuplexStream : Stream
{
    private readonly Stream _incoming;
    private readonly Stream _outgoing;

    private InMemoryDuplexStream(Pipe incoming, Pipe outgoing)
    {
        _incoming = incoming.Reader.AsStream();
        _outgoing = outgoing.Writer.AsStream();
    }

    /// <summary>Two connected ends.</summary>
    public static (Stream Left, Stream Right) CreatePair()
    {
        var leftToRight = new Pipe();
        var rightToLeft = new Pipe();
        return (new InMemoryDuplexStream(rightToLeft, leftToRight), new InMemoryDuplexStream(leftToRight, rightToLeft));
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => _incoming.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _incoming.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _incoming.ReadAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => _outgoing.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _outgoing.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _outgoing.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Flush() => _outgoing.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _outgoing.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _incoming.Dispose();
            _outgoing.Dispose();
        }

        base.Dispose(disposing);
    }
}
