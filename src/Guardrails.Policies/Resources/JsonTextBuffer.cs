using System.Buffers;
using System.Text;

namespace Guardrails.Policies.Resources;

/// <summary>
/// The few writes <see cref="SimpleYamlConverter"/> makes, as UTF-8 JSON bytes in a reused buffer: cheaper than
/// <see cref="System.Text.Json.Utf8JsonWriter"/> for text that is already known to be well formed (the converter
/// nests correctly and never hands it control characters or surrogates), and read back by <c>JsonDocument</c>,
/// which checks it.
/// </summary>
internal sealed class JsonTextBuffer
{
    private static readonly SearchValues<char> Verbatim = SearchValues.Create(
        string.Concat(Enumerable.Range(' ', '~' - ' ' + 1).Select(c => (char)c).Where(c => c is not ('"' or '\\'))));

    private byte[] _bytes = new byte[4096];
    private int _length;
    private bool _needComma;

    public ReadOnlySpan<byte> WrittenSpan => _bytes.AsSpan(0, _length);

    public void Reset()
    {
        _length = 0;
        _needComma = false;
    }

    public void WriteStartObject() => Open((byte)'{');

    public void WriteStartArray() => Open((byte)'[');

    public void WriteEndObject() => Close((byte)'}');

    public void WriteEndArray() => Close((byte)']');

    public void WritePropertyName(ReadOnlySpan<char> name)
    {
        Comma();
        WriteQuoted(name);
        Append((byte)':');
        _needComma = false;
    }

    public void WriteStringValue(ReadOnlySpan<char> value)
    {
        Comma();
        WriteQuoted(value);
        _needComma = true;
    }

    public void WriteNullValue() => WriteRawValue("null");

    public void WriteBooleanValue(bool value) => WriteRawValue(value ? "true" : "false");

    /// <summary>ASCII the caller has checked is a JSON literal or number.</summary>
    public void WriteRawValue(ReadOnlySpan<char> ascii)
    {
        Comma();
        Ensure(ascii.Length);
        foreach (var c in ascii)
        {
            _bytes[_length++] = (byte)c;
        }

        _needComma = true;
    }

    private void Open(byte bracket)
    {
        Comma();
        Append(bracket);
        _needComma = false;
    }

    private void Close(byte bracket)
    {
        Append(bracket);
        _needComma = true;
    }

    private void Comma()
    {
        if (_needComma)
        {
            Append((byte)',');
        }
    }

    private void WriteQuoted(ReadOnlySpan<char> text)
    {
        // At most 6 bytes a character (\u00XX), and the quotes.
        Ensure((text.Length * 6) + 2);
        var bytes = _bytes;
        var at = _length;
        bytes[at++] = (byte)'"';
        if (!text.ContainsAnyExcept(Verbatim))
        {
            // The usual case, ASCII with nothing to escape: narrowed in one vectorized copy.
            Ascii.FromUtf16(text, bytes.AsSpan(at), out var written);
            bytes[at + written] = (byte)'"';
            _length = at + written + 1;
            return;
        }

        foreach (var c in text)
        {
            if (c < 0x80)
            {
                if (c is '"' or '\\')
                {
                    bytes[at++] = (byte)'\\';
                    bytes[at++] = (byte)c;
                }
                else if (c < 0x20)
                {
                    bytes[at++] = (byte)'\\';
                    bytes[at++] = (byte)'u';
                    bytes[at++] = (byte)'0';
                    bytes[at++] = (byte)'0';
                    bytes[at++] = (byte)"0123456789abcdef"[c >> 4];
                    bytes[at++] = (byte)"0123456789abcdef"[c & 0xF];
                }
                else
                {
                    bytes[at++] = (byte)c;
                }
            }
            else if (c < 0x800)
            {
                bytes[at++] = (byte)(0xC0 | (c >> 6));
                bytes[at++] = (byte)(0x80 | (c & 0x3F));
            }
            else
            {
                // Never a surrogate: the converter gives those to YamlDotNet.
                bytes[at++] = (byte)(0xE0 | (c >> 12));
                bytes[at++] = (byte)(0x80 | ((c >> 6) & 0x3F));
                bytes[at++] = (byte)(0x80 | (c & 0x3F));
            }
        }

        bytes[at++] = (byte)'"';
        _length = at;
    }

    private void Append(byte b)
    {
        Ensure(1);
        _bytes[_length++] = b;
    }

    private void Ensure(int more)
    {
        if (_length + more > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + more));
        }
    }
}
