using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace Guardrails.Webhook.Tests.Support.FakeKube;

/// <summary>
/// One open watch: the store queues its lines (events and bookmarks, in resourceVersion order) and the request loop
/// writes them out. A watcher that falls a full channel behind is closed, as the API server does with slow watchers.
/// </summary>
internal sealed class FakeWatcher
{
    private readonly Channel<byte[]> _lines;
    private bool _overflowed;

    public FakeWatcher(ObjectFilter filter, HttpContext context, int capacity)
    {
        Filter = filter;
        Context = context;
        _lines = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = false });
    }

    public ObjectFilter Filter { get; }

    public HttpContext Context { get; }

    public ChannelReader<byte[]> Lines => _lines.Reader;

    public void Enqueue(byte[] line)
    {
        if (!_lines.Writer.TryWrite(line) && !_overflowed)
        {
            _overflowed = true;
            _lines.Writer.TryComplete();
        }
    }

    public void Complete() => _lines.Writer.TryComplete();
}
