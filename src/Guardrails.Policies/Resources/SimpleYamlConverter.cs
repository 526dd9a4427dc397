using System.Buffers;
using System.Globalization;

namespace Guardrails.Policies.Resources;

/// <summary>
/// Writes one YAML document straight into UTF-8 JSON in a single pass over its characters — no tokens, no events, no
/// nodes — when it is written the way manifests nearly always are: block mappings and sequences, flow collections on
/// one line, plain and single-line quoted scalars, comments. Anything else (anchors, aliases, tags, block scalars,
/// multi-line scalars, explicit keys, escapes, tabs, duplicate keys, deep nesting, anything it is unsure of) makes
/// it give up and return false, and the document is read by YamlDotNet instead. Giving up is always safe; guessing
/// never is. Scalars are typed exactly as <see cref="YamlModelWriter"/> types them (YAML 1.2 core schema).
/// </summary>
internal sealed class SimpleYamlConverter
{
    // Deeper than this is left to YamlDotNet, which refuses past ReadLimits.MaxDepth with the limit's own message.
    private const int MaxDepth = 64;

    // Printable ASCII that means nothing in the place it is scanned: runs of it are skipped with vectorized searches.
    private static readonly SearchValues<char> PlainValueChars = SearchValues.Create(Printable("#:"));
    private static readonly SearchValues<char> KeyChars = SearchValues.Create(Printable("#:[]{},"));
    private static readonly SearchValues<char> DoubleQuotedChars = SearchValues.Create(Printable("\"\\"));
    private static readonly SearchValues<char> SingleQuotedChars = SearchValues.Create(Printable("'"));

    private readonly List<List<(int Start, int Length)>> _keysByDepth = [];
    private string _text = "";
    private JsonTextBuffer _writer = null!;
    private int _end;
    private int _depth;

    // The current line: [_lineStart, _lineEnd) without its line break; _indent spaces before its content.
    private int _lineStart;
    private int _lineEnd;
    private int _next;
    private int _indent;
    private int _lineNumber;

    /// <summary>Converts <c>text[start..end)</c> (one document's lines, marker excluded), or returns false having written nothing useful.</summary>
    /// <param name="firstLine">The 1-based line number of <paramref name="start"/>.</param>
    /// <param name="rootLine">The line of the document's first key, as YamlDotNet reports a root node's start.</param>
    /// <param name="empty">The document holds no content (only comments or blank lines): YAML reads it as null.</param>
    public bool TryConvert(string text, int start, int end, int firstLine, JsonTextBuffer writer, out int rootLine, out bool empty)
    {
        _text = text;
        _end = end;
        _writer = writer;
        _depth = 0;
        _next = start;
        _lineNumber = firstLine - 1;
        rootLine = 0;
        empty = false;
        if (!NextContentLine())
        {
            empty = true;
            return true;
        }

        rootLine = _lineNumber;
        if (_indent != 0 || IsSequenceEntry(_lineStart + _indent) || !TryMapping(0, _lineStart))
        {
            return false;
        }

        // Everything was consumed: a line left over is something this reader does not understand.
        return _lineStart >= _end;
    }

    /// <summary>Moves to the next line with content (not blank, not only a comment); false at the end of the document.</summary>
    private bool NextContentLine()
    {
        while (_next < _end)
        {
            _lineStart = _next;
            var newline = _text.IndexOf('\n', _next, _end - _next);
            _lineEnd = newline < 0 ? _end : newline;
            _next = newline < 0 ? _end : newline + 1;
            _lineNumber++;
            if (_lineEnd > _lineStart && _text[_lineEnd - 1] == '\r')
            {
                _lineEnd--;
            }

            var i = _lineStart;
            while (i < _lineEnd && _text[i] == ' ')
            {
                i++;
            }

            if (i == _lineEnd || _text[i] == '#')
            {
                continue;
            }

            _indent = i - _lineStart;
            return true;
        }

        _lineStart = _lineEnd = _end;
        _indent = -1;
        return false;
    }

    private bool AtEnd => _lineStart >= _end;

    private bool IsSequenceEntry(int at) => _text[at] == '-' && (at + 1 == _lineEnd || _text[at + 1] == ' ');

    /// <summary>A block mapping whose keys sit at column <paramref name="indent"/>; the first key starts at <paramref name="at"/> on the current line.</summary>
    private bool TryMapping(int indent, int at)
    {
        if (!Enter())
        {
            return false;
        }

        var keys = KeysAt(_depth);
        _writer.WriteStartObject();
        while (true)
        {
            if (!TryKeyEnd(at, out var keyEnd, out var afterColon))
            {
                return false;
            }

            var key = (at, keyEnd - at);
            if (!TryAddKey(keys, key))
            {
                return false;
            }

            WritePropertyName(at, key);
            var valueAt = SkipSpaces(afterColon);
            if (valueAt == _lineEnd || _text[valueAt] == '#' && valueAt > afterColon)
            {
                if (!TryValueOnNextLines(indent))
                {
                    return false;
                }
            }
            else
            {
                if (valueAt == afterColon || !TryInlineValue(valueAt))
                {
                    return false;
                }

                NextContentLine();
                if (_indent > indent)
                {
                    // A continuation of a multi-line plain scalar, or an error: YamlDotNet knows which.
                    return false;
                }
            }

            if (AtEnd || _indent < indent)
            {
                break;
            }

            if (_indent > indent || IsSequenceEntry(_lineStart + _indent))
            {
                return false;
            }

            at = _lineStart + _indent;
        }

        _writer.WriteEndObject();
        Leave();
        return true;
    }

    /// <summary>A key with nothing after its colon: the value is the block below it, a sequence at the key's own column, or null.</summary>
    private bool TryValueOnNextLines(int indent)
    {
        if (!NextContentLine() || _indent < indent)
        {
            _writer.WriteNullValue();
            return true;
        }

        var at = _lineStart + _indent;
        if (IsSequenceEntry(at))
        {
            return _indent >= indent && TrySequence(_indent);
        }

        if (_indent == indent)
        {
            _writer.WriteNullValue();
            return true;
        }

        return TryMapping(_indent, at);
    }

    /// <summary>A block sequence whose dashes sit at column <paramref name="indent"/>, starting on the current line.</summary>
    private bool TrySequence(int indent)
    {
        if (!Enter())
        {
            return false;
        }

        _writer.WriteStartArray();
        while (true)
        {
            var dash = _lineStart + _indent;
            var item = SkipSpaces(dash + 1);
            if (item == _lineEnd || item == dash + 1 || _text[item] == '#' || IsSequenceEntry(item))
            {
                // An empty entry, content on the lines below, or a nested compact sequence.
                return false;
            }

            if (LooksLikeKey(item))
            {
                if (!TryMapping(item - _lineStart, item))
                {
                    return false;
                }
            }
            else
            {
                if (!TryInlineValue(item))
                {
                    return false;
                }

                NextContentLine();
            }

            if (AtEnd || _indent < indent)
            {
                break;
            }

            if (_indent > indent)
            {
                return false;
            }

            if (!IsSequenceEntry(_lineStart + _indent))
            {
                // The sequence was a key's value at the key's own column; the mapping goes on.
                break;
            }
        }

        _writer.WriteEndArray();
        Leave();
        return true;
    }

    /// <summary>Whether the content at <paramref name="at"/> is <c>key: ...</c> (a plain or quoted key and a colon).</summary>
    private bool LooksLikeKey(int at) => TryKeyEnd(at, out _, out _);

    private void WritePropertyName(int at, (int Start, int Length) key)
    {
        // Quoted keys come here without escapes ('' in a single-quoted one is left to YamlDotNet).
        _writer.WritePropertyName(_text[at] is '"' or '\'' ? _text.AsSpan(key.Start + 1, key.Length - 2) : _text.AsSpan(key.Start, key.Length));
    }

    /// <summary>Finds where a key ends and the colon after it; false when this is not a key this reader understands.</summary>
    private bool TryKeyEnd(int at, out int keyEnd, out int afterColon)
    {
        keyEnd = afterColon = 0;
        var c = _text[at];
        int colon;
        if (c is '"' or '\'')
        {
            if (!TryQuotedEnd(at, out var close) || c == '\'' && _text.AsSpan(at + 1, close - at - 1).Contains('\''))
            {
                return false;
            }

            keyEnd = close + 1;
            colon = keyEnd;
        }
        else
        {
            if (IsIndicator(c) || c is '-' or '?' or ':')
            {
                return false;
            }

            var i = at;
            while (true)
            {
                i = Skip(i, KeyChars);
                if (i == _lineEnd)
                {
                    return false;
                }

                var ch = _text[i];
                if (ch == ':' && (i + 1 == _lineEnd || _text[i + 1] == ' '))
                {
                    break;
                }

                if (ch is '#' && _text[i - 1] == ' ' || ch is '[' or ']' or '{' or '}' or ',' || ch is not (':' or '#') && !IsPlainChar(ch))
                {
                    return false;
                }

                i++;
            }

            if (_text[i - 1] == ' ')
            {
                return false;
            }

            keyEnd = i;
            colon = i;
        }

        if (colon >= _lineEnd || _text[colon] != ':' || colon + 1 < _lineEnd && _text[colon + 1] != ' ')
        {
            return false;
        }

        afterColon = colon + 1;
        return true;
    }

    /// <summary>A value on the key's (or dash's) own line: a flow collection, a quoted scalar or a plain one, to the line's end.</summary>
    private bool TryInlineValue(int at)
    {
        var c = _text[at];
        int end;
        if (c is '{' or '[')
        {
            if (!TryFlow(ref at))
            {
                return false;
            }

            end = at;
        }
        else if (c is '"' or '\'')
        {
            if (!TryQuotedEnd(at, out var close))
            {
                return false;
            }

            WriteQuoted(at, close);
            end = close + 1;
        }
        else
        {
            if (IsIndicator(c) || c is '?' or ':' || c == '-' && (at + 1 == _lineEnd || _text[at + 1] == ' '))
            {
                return false;
            }

            var i = at;
            while ((i = Skip(i, PlainValueChars)) < _lineEnd)
            {
                var ch = _text[i];
                if (ch == '#' && _text[i - 1] == ' ')
                {
                    break;
                }

                if (ch == ':' && (i + 1 == _lineEnd || _text[i + 1] == ' ') || ch is not (':' or '#') && !IsPlainChar(ch))
                {
                    return false;
                }

                i++;
            }

            WritePlain(_text.AsSpan(at, i - at).TrimEnd(' '));
            return true;
        }

        return RestIsBlank(end);
    }

    /// <summary>A flow mapping or sequence that closes on this line; <paramref name="at"/> moves past it.</summary>
    private bool TryFlow(ref int at)
    {
        if (!Enter())
        {
            return false;
        }

        var mapping = _text[at] == '{';
        var close = mapping ? '}' : ']';
        List<(int Start, int Length)>? keys = null;
        if (mapping)
        {
            keys = KeysAt(_depth);
            _writer.WriteStartObject();
        }
        else
        {
            _writer.WriteStartArray();
        }

        at = SkipSpaces(at + 1);
        if (at < _lineEnd && _text[at] == close)
        {
            at++;
            return Closed(mapping);
        }

        while (true)
        {
            if (at >= _lineEnd)
            {
                return false;
            }

            if (mapping)
            {
                var keyAt = at;
                if (!TryFlowScalar(ref at, out var key, out var quoted) || key.Length == 0 && !quoted || !TryAddKey(keys!, key)
                    || quoted && _text[keyAt] == '\'' && _text.AsSpan(key.Start + 1, key.Length - 2).Contains('\''))
                {
                    return false;
                }

                if (at + 1 >= _lineEnd || _text[at] != ':' || _text[at + 1] != ' ')
                {
                    return false;
                }

                WritePropertyName(keyAt, key);
                at = SkipSpaces(at + 1);
                if (at < _lineEnd && _text[at] is ',' or '}')
                {
                    _writer.WriteNullValue();
                }
                else if (!TryFlowValue(ref at))
                {
                    return false;
                }
            }
            else if (!TryFlowValue(ref at))
            {
                return false;
            }

            at = SkipSpaces(at);
            if (at >= _lineEnd)
            {
                return false;
            }

            if (_text[at] == close)
            {
                at++;
                return Closed(mapping);
            }

            if (_text[at] != ',')
            {
                return false;
            }

            at = SkipSpaces(at + 1);
            if (at >= _lineEnd || _text[at] is ',' or ']' or '}')
            {
                return false;
            }
        }
    }

    private bool Closed(bool mapping)
    {
        if (mapping)
        {
            _writer.WriteEndObject();
        }
        else
        {
            _writer.WriteEndArray();
        }

        Leave();
        return true;
    }

    private bool TryFlowValue(ref int at)
    {
        var c = _text[at];
        if (c is '{' or '[')
        {
            return TryFlow(ref at);
        }

        var valueAt = at;
        if (!TryFlowScalar(ref at, out var text, out var quoted))
        {
            return false;
        }

        // "a: b" inside a flow sequence is a one-pair mapping; YamlDotNet reads it.
        if (at < _lineEnd && _text[at] == ':')
        {
            return false;
        }

        if (quoted)
        {
            WriteQuoted(valueAt, text.Start + text.Length - 1);
        }
        else
        {
            WritePlain(_text.AsSpan(text.Start, text.Length));
        }

        return true;
    }

    /// <summary>A scalar inside a flow collection: quoted, or plain up to <c>, ] } :</c>; <paramref name="at"/> moves past it (trailing spaces skipped).</summary>
    /// <param name="text">The scalar's characters, quotes included when it is quoted.</param>
    private bool TryFlowScalar(ref int at, out (int Start, int Length) text, out bool quoted)
    {
        text = default;
        var c = _text[at];
        quoted = c is '"' or '\'';
        if (quoted)
        {
            if (!TryQuotedEnd(at, out var close))
            {
                return false;
            }

            text = (at, close + 1 - at);
            at = SkipSpaces(close + 1);
            return true;
        }

        if (IsIndicator(c) || c is '?' or ':' || c == '-' && (at + 1 == _lineEnd || _text[at + 1] is ' ' or ',' or ']' or '}'))
        {
            return false;
        }

        var i = at;
        while ((i = Skip(i, KeyChars)) < _lineEnd)
        {
            var ch = _text[i];
            if (ch is ',' or ']' or '}')
            {
                break;
            }

            if (ch == ':')
            {
                if (i + 1 < _lineEnd && _text[i + 1] == ' ')
                {
                    break;
                }

                // "a:b" is one plain scalar in YAML 1.2 but not in every reader; and "a:" before a flow indicator is a key.
                return false;
            }

            if (ch is '[' or '{' || ch == '#' && _text[i - 1] == ' ' || ch != '#' && !IsPlainChar(ch))
            {
                return false;
            }

            i++;
        }

        var length = _text.AsSpan(at, i - at).TrimEnd(' ').Length;
        if (length == 0)
        {
            return false;
        }

        text = (at, length);
        at = i;
        return true;
    }

    /// <summary>Where a quoted scalar that starts at <paramref name="at"/> closes on this line; false for escapes or one that goes on to the next line.</summary>
    private bool TryQuotedEnd(int at, out int close)
    {
        var quote = _text[at];
        var boring = quote == '"' ? DoubleQuotedChars : SingleQuotedChars;
        for (var i = at + 1; (i = Skip(i, boring)) < _lineEnd; i++)
        {
            var ch = _text[i];
            if (quote == '"' && ch == '\\' || !IsPlainChar(ch))
            {
                break;
            }

            if (ch == quote)
            {
                if (quote == '\'' && i + 1 < _lineEnd && _text[i + 1] == '\'')
                {
                    i++;
                    continue;
                }

                close = i;
                return true;
            }
        }

        close = 0;
        return false;
    }

    private void WriteQuoted(int open, int close)
    {
        var inner = _text.AsSpan(open + 1, close - open - 1);
        if (_text[open] == '\'' && inner.Contains('\''))
        {
            _writer.WriteStringValue(inner.ToString().Replace("''", "'", StringComparison.Ordinal).AsSpan());
            return;
        }

        _writer.WriteStringValue(inner);
    }

    /// <summary>The first position from <paramref name="at"/> on this line that is not in <paramref name="boring"/>, or the line's end.</summary>
    private int Skip(int at, SearchValues<char> boring)
    {
        var found = _text.AsSpan(at, _lineEnd - at).IndexOfAnyExcept(boring);
        return found < 0 ? _lineEnd : at + found;
    }

    private static string Printable(string except) =>
        string.Concat(Enumerable.Range(' ', '~' - ' ' + 1).Select(c => (char)c).Where(c => !except.Contains(c, StringComparison.Ordinal)));

    private bool RestIsBlank(int at)
    {
        var i = SkipSpaces(at);
        return i == _lineEnd || _text[i] == '#' && i > at;
    }

    private int SkipSpaces(int at)
    {
        while (at < _lineEnd && _text[at] == ' ')
        {
            at++;
        }

        return at;
    }

    /// <summary>Plain YAML 1.2 core schema typing, the same as <see cref="YamlModelWriter"/> gives a plain scalar.</summary>
    private void WritePlain(ReadOnlySpan<char> value)
    {
        switch (value)
        {
            case "~" or "null" or "Null" or "NULL":
                _writer.WriteNullValue();
                return;
            case "true" or "True" or "TRUE":
                _writer.WriteBooleanValue(true);
                return;
            case "false" or "False" or "FALSE":
                _writer.WriteBooleanValue(false);
                return;
            default:
                break;
        }

        if (value.Length <= 400 && (char.IsAsciiDigit(value[0]) || value[0] is '-' or '+') && YamlModelWriter.IsJsonNumber(value) && decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            _writer.WriteRawValue(value.TrimStart('+'));
            return;
        }

        _writer.WriteStringValue(value);
    }

    private bool Enter()
    {
        if (++_depth > MaxDepth)
        {
            return false;
        }

        while (_keysByDepth.Count <= _depth)
        {
            _keysByDepth.Add([]);
        }

        return true;
    }

    private void Leave() => _depth--;

    private List<(int Start, int Length)> KeysAt(int depth)
    {
        var keys = _keysByDepth[depth];
        keys.Clear();
        return keys;
    }

    /// <summary>
    /// Adds a key (as written, quotes included) unless one with the same characters, quotes aside, is there already:
    /// a duplicate is YamlDotNet's to refuse.
    /// </summary>
    private bool TryAddKey(List<(int Start, int Length)> keys, (int Start, int Length) key)
    {
        var name = Unquoted(key);
        foreach (var existing in keys)
        {
            if (Unquoted(existing).SequenceEqual(name))
            {
                return false;
            }
        }

        keys.Add(key);
        return true;
    }

    private ReadOnlySpan<char> Unquoted((int Start, int Length) key) =>
        key.Length >= 2 && _text[key.Start] is '"' or '\''
            ? _text.AsSpan(key.Start + 1, key.Length - 2)
            : _text.AsSpan(key.Start, key.Length);

    /// <summary>Characters that start something other than a plain scalar (anchor, alias, tag, block scalar, directive, reserved).</summary>
    private static bool IsIndicator(char c) => c is '&' or '*' or '!' or '|' or '>' or '%' or '@' or '`' or '#' or ',' or '[' or ']' or '{' or '}';

    /// <summary>Printable characters that mean nothing special to any YAML reader: no tabs, controls, non-ASCII line breaks, BOM or surrogates.</summary>
    private static bool IsPlainChar(char c) => c is >= ' ' and <= '~' || c >= '\u00A0' && c is not ('\u2028' or '\u2029' or '\uFEFF') && !char.IsSurrogate(c) && c < '\uFFFE';
}
