using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;

namespace Guardrails.Webhook.Cluster.Api;

/// <summary>
/// The body of a watch response: one JSON object per line, arriving in chunks that need not end at a line (an object can
/// be split across reads). ERROR events become exceptions; the others are handed out one at a time.
/// </summary>
internal sealed class WatchStream : IAsyncDisposable
{
    // The API server caps objects near 1.5 MiB of etcd storage; anything far beyond that is a broken stream, not an event.
    private const int MaxLineBytes = 16 * 1024 * 1024;

    private readonly HttpResponseMessage _response;
    private readonly Stream _body;
    private readonly PipeReader _reader;
    private readonly string _path;

    private WatchStream(HttpResponseMessage response, Stream body, string path)
    {
        _response = response;
        _body = body;
        _reader = PipeReader.Create(body, new StreamPipeReaderOptions(minimumReadSize: 16 * 1024, leaveOpen: true));
        _path = path;
    }

    public static async Task<WatchStream> OpenAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return new WatchStream(response, body, path);
    }

    /// <summary>The next event, or null when the server ended the stream cleanly.</summary>
    public async ValueTask<WatchEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result;
            try
            {
                result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new IOException($"watch on {_path} broke: {ex.Message}", ex);
            }

            var buffer = result.Buffer;
            while (TryTakeLine(ref buffer, out var line))
            {
                var parsed = Parse(line);
                if (parsed is not null)
                {
                    _reader.AdvanceTo(buffer.Start);
                    return parsed;
                }
            }

            if (buffer.Length > MaxLineBytes)
            {
                throw new IOException($"watch on {_path} sent more than {MaxLineBytes} bytes without a line break");
            }

            if (result.IsCompleted)
            {
                // A clean end of stream with half an object in hand means the server stopped mid-write.
                if (!IsBlank(buffer))
                {
                    throw new IOException($"watch on {_path} ended in the middle of an event ({buffer.Length} bytes without a line break)");
                }

                _reader.AdvanceTo(buffer.End);
                return null;
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync().ConfigureAwait(false);
        await _body.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
    }

    private static bool TryTakeLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, newline.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        return true;
    }

    private static bool IsBlank(ReadOnlySequence<byte> bytes)
    {
        foreach (var segment in bytes)
        {
            foreach (var b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t'))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private WatchEvent? Parse(ReadOnlySequence<byte> line)
    {
        if (IsBlank(line))
        {
            return null;
        }

        JsonDocument document;
        try
        {
            // ParseValue copies what it reads, so the pipe's buffers can be reused as soon as this returns.
            var reader = new Utf8JsonReader(line);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new IOException($"watch on {_path} sent a line that is not JSON: {ex.Message}", ex);
        }

        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("type", out var typeElement)
            || typeElement.ValueKind != JsonValueKind.String
            || !root.TryGetProperty("object", out var @object))
        {
            document.Dispose();
            throw new IOException($"watch on {_path} sent a line that is not a watch event (no type and object)");
        }

        var type = typeElement.GetString()!;
        if (type != WatchEvent.Error)
        {
            return new WatchEvent(document, type, @object);
        }

        using (document)
        {
            throw StatusErrors.FromWatchError(_path, @object);
        }
    }
}
