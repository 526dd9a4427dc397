using System.Text;

namespace Guardrails.Webhook.Tests.Hosting.Logging;

/// <summary>A log sink that keeps every write it is given, and can fail or block on demand.</summary>
internal sealed class RecordingSink : Stream
{
    private readonly Lock _gate = new();
    private readonly List<byte[]> _writes = [];
    private readonly ManualResetEventSlim _open = new(initialState: true);
    private int _failuresLeft;

    public int Writes
    {
        get
        {
            lock (_gate)
            {
                return _writes.Count;
            }
        }
    }

    public string Text
    {
        get
        {
            lock (_gate)
            {
                return Encoding.UTF8.GetString([.. _writes.SelectMany(w => w)]);
            }
        }
    }

    /// <summary>The text split into lines (the last line's newline required: a line without one was cut short).</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            var text = Text;
            if (text.Length == 0)
            {
                return [];
            }

            text.ShouldEndWith("\n");
            return text[..^1].Split('\n');
        }
    }

    /// <summary>Set while a write is waiting in <see cref="Block"/>.</summary>
    public ManualResetEventSlim WriterBlocked { get; } = new();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>The next <paramref name="writes"/> writes throw an IOException, as a closed or broken stderr would.</summary>
    public void FailNext(int writes) => Interlocked.Exchange(ref _failuresLeft, writes);

    /// <summary>Writes wait until <see cref="Release"/>, as on a pipe nobody reads.</summary>
    public void Block() => _open.Reset();

    public void Release() => _open.Set();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (!_open.IsSet)
        {
            WriterBlocked.Set();
            _open.Wait();
        }

        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw new IOException("Broken pipe");
        }

        lock (_gate)
        {
            _writes.Add(buffer.ToArray());
        }
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _open.Dispose();
            WriterBlocked.Dispose();
        }

        base.Dispose(disposing);
    }
}
