namespace Guardrails.Policies.Resources;

/// <summary>
/// Splits a YAML text into its documents at the <c>---</c> lines, without parsing: a line that starts with
/// <c>---</c> and a space (or ends there) begins a document, and YAML forbids such a line inside any scalar. Texts
/// where that is not the whole story (directives, <c>...</c> end markers, a byte order mark) are not split.
/// </summary>
internal static class YamlChunker
{
    /// <returns>The chunks in order; null when the text must be read by YamlDotNet as one stream.</returns>
    public static List<YamlChunk>? Split(string text)
    {
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            return null;
        }

        var chunks = new List<YamlChunk>();
        var start = 0;
        var line = 1;
        var chunkStart = 0;
        var chunkLine = 1;
        var chunkContentLine = 1;
        var hasMarker = false;
        var markerHasContent = false;
        while (start < text.Length)
        {
            var newline = text.IndexOf('\n', start);
            var end = newline < 0 ? text.Length : newline;
            var next = newline < 0 ? text.Length : newline + 1;
            var c = text[start];
            if (c is '%' || c == '.' && StartsMarker(text, start, end, '.') is not Marker.None)
            {
                return null;
            }

            if (c == '-')
            {
                switch (StartsMarker(text, start, end, '-'))
                {
                    case Marker.Tab:
                        return null;
                    case Marker.Plain or Marker.WithContent:
                        chunks.Add(new YamlChunk(chunkStart, start, chunkLine, chunkContentLine, hasMarker, markerHasContent));
                        hasMarker = true;
                        markerHasContent = StartsMarker(text, start, end, '-') == Marker.WithContent;
                        chunkStart = next;
                        chunkLine = line;
                        chunkContentLine = line + 1;
                        break;
                    default:
                        break;
                }
            }

            start = next;
            line++;
        }

        chunks.Add(new YamlChunk(chunkStart, text.Length, chunkLine, chunkContentLine, hasMarker, markerHasContent));
        return chunks;
    }

    private enum Marker
    {
        None,
        Plain,
        WithContent,
        Tab,
    }

    private static Marker StartsMarker(string text, int start, int end, char c)
    {
        var lineEnd = end > start && text[end - 1] == '\r' ? end - 1 : end;
        if (lineEnd - start < 3 || text[start + 1] != c || text[start + 2] != c)
        {
            return Marker.None;
        }

        if (lineEnd == start + 3)
        {
            return Marker.Plain;
        }

        switch (text[start + 3])
        {
            case ' ':
                var i = start + 4;
                while (i < lineEnd && text[i] == ' ')
                {
                    i++;
                }

                return i == lineEnd || text[i] == '#' ? Marker.Plain : Marker.WithContent;
            case '\t':
                return Marker.Tab;
            default:
                return Marker.None;
        }
    }
}
