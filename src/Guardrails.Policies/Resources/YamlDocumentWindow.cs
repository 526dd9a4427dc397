using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Policies.Resources;

/// <summary>
/// Loads single documents of one YAML text with YamlDotNet, on demand and always moving forward: the parser runs over
/// the whole text (so every error names the line, column and offset it names when the whole text is loaded), skips
/// the documents the fast reader already took, and hands the loader one document at a time as if it were a stream
/// of its own. Nesting deeper than <see cref="ReadLimits.MaxDepth"/> is refused as it is met, before the recursive
/// loader reaches it.
/// </summary>
internal sealed class YamlDocumentWindow : IParser
{
    private readonly Parser _inner;
    private State _state = State.Done;
    private ParsingEvent? _current;
    private int _depth;
    private bool _started;
    private bool _innerAhead;

    public YamlDocumentWindow(string text)
    {
        _inner = new Parser(new StringReader(text));
    }

    private enum State
    {
        StreamStart,
        Document,
        StreamEnd,
        Done,
    }

    public ParsingEvent? Current => _current;

    /// <summary>The line of the last event read, for errors YamlDotNet throws without one.</summary>
    public long LastLine { get; private set; } = 1;

    /// <summary>
    /// The next document that starts on <paramref name="fromLine"/> or later (1 for "the next one"); null when the
    /// stream ends first.
    /// </summary>
    /// <exception cref="YamlException">The document (or the text skipped before it) is not valid YAML.</exception>
    /// <exception cref="ManifestReadException">The document nests deeper than the limit.</exception>
    public YamlDocument? Next(long fromLine)
    {
        if (!SkipTo(fromLine))
        {
            return null;
        }

        _state = State.StreamStart;
        _current = null;
        _depth = 0;
        var stream = new YamlStream();
        stream.Load(this);
        return stream.Documents.Count == 0 ? null : stream.Documents[0];
    }

    public bool MoveNext()
    {
        switch (_state)
        {
            case State.StreamStart:
                _current = new StreamStart();
                _state = State.Document;
                return true;
            case State.Document:
                // The document's DocumentStart is the inner parser's current event already.
                if (_current is not StreamStart && !InnerMoveNext())
                {
                    _state = State.Done;
                    return false;
                }

                _current = _inner.Current;
                Track(_current!);
                if (_current is DocumentEnd)
                {
                    _state = State.StreamEnd;
                }

                return true;
            case State.StreamEnd:
                // Moving past the document's end, as the loader does on a whole stream: an error in what follows
                // (text after an implicit end, say) belongs to this document and fails it, as it fails the load.
                _innerAhead = true;
                InnerMoveNext();
                _current = new StreamEnd();
                _state = State.Done;
                return true;
            default:
                return false;
        }
    }

    private bool SkipTo(long fromLine)
    {
        if (!_started)
        {
            _started = true;
            if (!InnerMoveNext())
            {
                return false;
            }
        }
        else if (_innerAhead)
        {
            _innerAhead = false;
            if (_inner.Current is null or StreamEnd)
            {
                return false;
            }
        }
        else if (!InnerMoveNext())
        {
            return false;
        }

        while (_inner.Current is not DocumentStart start || start.Start.Line < fromLine)
        {
            if (_inner.Current is StreamEnd || !InnerMoveNext())
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The parser itself (not the loader) threw something other than a YamlException.</summary>
    public bool ParserFaulted { get; private set; }

    private bool InnerMoveNext()
    {
        bool moved;
        try
        {
            moved = _inner.MoveNext();
        }
        catch (Exception ex) when (ex is not YamlException)
        {
            ParserFaulted = true;
            throw;
        }

        if (moved && _inner.Current is { } current)
        {
            LastLine = current.Start.Line;
        }

        return moved;
    }

    private void Track(ParsingEvent current)
    {
        switch (current)
        {
            case MappingStart or SequenceStart:
                if (++_depth > ReadLimits.MaxDepth)
                {
                    throw new ManifestReadException(
                        $"document nests deeper than {ReadLimits.MaxDepth} levels (the limit) at line {current.Start.Line}",
                        (int)current.Start.Line);
                }

                break;
            case MappingEnd or SequenceEnd:
                _depth--;
                break;
            default:
                break;
        }
    }
}
