using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Policies.Resources;

/// <summary>
/// Reads multi-document YAML or JSON into JSON objects, the one form the engine judges, so that YAML from a
/// developer and JSON from the apiserver reach the same rules. <c>kind: List</c> (and a top-level JSON array or YAML
/// sequence) is unwrapped into its items. Every limit of <see cref="ReadLimits"/> is checked before recursive work.
/// YAML is written straight into UTF-8 JSON by <see cref="SimpleYamlConverter"/> when it is written the usual way,
/// and read by YamlDotNet (<see cref="YamlDocumentWindow"/>, <see cref="YamlModelWriter"/>) when it is not, one
/// document at a time either way: same JSON, same errors at the same line and column.
/// </summary>
public static class ManifestReader
{
    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = ReadLimits.MaxDepth };

    /// <summary>
    /// Every document at once, for a body or file that is kept whole (the dry-run door, <c>--old</c>, <c>--quota</c>):
    /// more than <paramref name="maxDocuments"/> documents refuse the whole input.
    /// </summary>
    public static IReadOnlyList<Manifest> Read(string text, ManifestFormat format = ManifestFormat.Sniff, int maxDocuments = ReadLimits.MaxDocuments)
    {
        ArgumentNullException.ThrowIfNull(text);
        format = Resolve(text, format);
        if (format == ManifestFormat.Yaml && TooManyYamlDocuments(text, maxDocuments) is { } refused)
        {
            return [new Manifest(1, refused.Line, null, refused.Message)];
        }

        return [.. Documents(text, format, maxDocuments, borrowItems: false)];
    }

    /// <summary>
    /// The documents one at a time, each read only when asked for (<c>guardrails check</c>): memory is bounded by one
    /// document, not by the file. The caller disposes each. Past <paramref name="maxDocuments"/> one refusal stands
    /// for the rest. A document is valid until the next is asked for (the items of a top-level JSON array are read in
    /// place, not copied out of it): judge it, then let it go.
    /// </summary>
    public static IEnumerable<Manifest> Stream(string text, ManifestFormat format = ManifestFormat.Sniff, int maxDocuments = ReadLimits.MaxStreamedDocuments)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Documents(text, format, maxDocuments, borrowItems: true);
    }

    private static IEnumerable<Manifest> Documents(string text, ManifestFormat format, int maxDocuments, bool borrowItems)
    {
        var limit = new DocumentLimit(maxDocuments);
        var manifests = Resolve(text, format) == ManifestFormat.Json ? ReadJson(text, borrowItems) : ReadYaml(text);
        return limit.Apply(manifests);
    }

    private static ManifestFormat Resolve(string text, ManifestFormat format)
    {
        if (format != ManifestFormat.Sniff)
        {
            return format;
        }

        var trimmed = text.AsSpan().TrimStart();
        return trimmed.Length > 0 && trimmed[0] is '{' or '[' ? ManifestFormat.Json : ManifestFormat.Yaml;
    }

    private static (int Line, string Message)? TooManyYamlDocuments(string text, int maxDocuments)
    {
        if (YamlChunker.Split(text) is not { } chunks)
        {
            return YamlPreScan.Check(text, int.MaxValue, maxDocuments);
        }

        var documents = chunks.Count - 1 + (HasContent(text, chunks[0]) ? 1 : 0);
        if (documents <= maxDocuments)
        {
            return null;
        }

        // The first chunk (before any marker) may hold no document; the one past the limit is a marker's.
        var past = chunks[chunks.Count - documents + maxDocuments];
        return (past.Line, $"more than {maxDocuments} documents (the limit per request or file); split the input");
    }

    private static bool HasContent(string text, YamlChunk chunk)
    {
        var atLineStart = true;
        var inComment = false;
        for (var i = chunk.ContentStart; i < chunk.End; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                atLineStart = true;
                inComment = false;
                continue;
            }

            if (inComment || c is ' ' or '\r' or '\t')
            {
                continue;
            }

            if (c == '#' && atLineStart)
            {
                inComment = true;
                continue;
            }

            return true;
        }

        return false;
    }

    private static IEnumerable<Manifest> ReadYaml(string text)
    {
        if (YamlChunker.Split(text) is not { } chunks)
        {
            foreach (var manifest in ReadWithYamlDotNet(text))
            {
                yield return manifest;
            }

            yield break;
        }

        var converter = new SimpleYamlConverter();
        var buffer = new JsonTextBuffer();
        YamlDocumentWindow? window = null;
        var number = 0;
        foreach (var chunk in chunks)
        {
            buffer.Reset();
            if (!chunk.MarkerHasContent && converter.TryConvert(text, chunk.ContentStart, chunk.End, chunk.ContentLine, buffer, out var rootLine, out var empty))
            {
                if (empty)
                {
                    // An empty document counts (people count the markers); text before the first marker is none.
                    number += chunk.HasMarker ? 1 : 0;
                    continue;
                }

                if (ParsedOrNull(buffer) is { } converted)
                {
                    number++;
                    foreach (var manifest in Unwrap(number, rootLine, converted))
                    {
                        yield return manifest;
                    }

                    continue;
                }
            }

            number++;
            window ??= new YamlDocumentWindow(text);
            var (document, failure) = LoadNext(window, chunk.Line, number);
            if (document is not null)
            {
                foreach (var manifest in FromModel(number, document))
                {
                    yield return manifest;
                }
            }

            if (failure is not null)
            {
                // As when the whole text is loaded: what follows a broken document is not read.
                yield return failure;
                yield break;
            }
        }
    }

    /// <summary>The fast path's JSON; null (and YamlDotNet reads the document) should it ever not parse.</summary>
    private static JsonDocument? ParsedOrNull(JsonTextBuffer buffer)
    {
        try
        {
            return JsonDocument.Parse(buffer.WrittenSpan.ToArray(), JsonOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A text the chunker would not split: every document through YamlDotNet, in order.</summary>
    private static IEnumerable<Manifest> ReadWithYamlDotNet(string text)
    {
        var window = new YamlDocumentWindow(text);
        var number = 0;
        while (true)
        {
            var (document, failure) = LoadNext(window, 1, number + 1);
            if (document is null && failure is null)
            {
                yield break;
            }

            number++;
            if (document is not null)
            {
                foreach (var manifest in FromModel(number, document))
                {
                    yield return manifest;
                }
            }

            if (failure is not null)
            {
                yield return failure;
                yield break;
            }
        }
    }

    private static (YamlDocument? Document, Manifest? Failure) LoadNext(YamlDocumentWindow window, int fromLine, int number)
    {
        try
        {
            return (window.Next(fromLine), null);
        }
        catch (YamlException ex)
        {
            return (null, new Manifest(number, (int)ex.Start.Line, null, $"invalid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {ex.InnerException?.Message ?? ex.Message}"));
        }
        catch (ManifestReadException ex)
        {
            return (null, new Manifest(number, ex.Line ?? 1, null, ex.Message));
        }
        catch (Exception ex) when (window.ParserFaulted && ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            // What YamlDotNet's scanner throws on some malformed input instead of a YamlException.
            return (null, new Manifest(number, (int)window.LastLine, null, $"invalid YAML near line {window.LastLine}: {ex.Message}"));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            // What YamlDotNet's loader throws on some malformed input instead of a YamlException: said as one.
            var failure = new YamlException(ex.Message, ex);
            return (null, new Manifest(number, (int)failure.Start.Line, null, $"invalid YAML at line {failure.Start.Line}, column {failure.Start.Column}: {ex.Message}"));
        }
    }

    private static IEnumerable<Manifest> FromModel(int number, YamlDocument document)
    {
        switch (document.RootNode)
        {
            case YamlScalarNode { Value: null or "" }:
                return [];
            case YamlSequenceNode sequence:
                return sequence.SelectMany(item => Converted(number, (int)item.Start.Line, item));
            case var root:
                return Converted(number, (int)root.Start.Line, root);
        }
    }

    private static IEnumerable<Manifest> Converted(int number, int line, YamlNode root)
    {
        if (root is not YamlMappingNode)
        {
            return [NotAnObject(number, line)];
        }

        byte[] json;
        try
        {
            json = YamlModelWriter.ToJson(root);
        }
        catch (ManifestReadException ex)
        {
            return [new Manifest(number, line, null, ex.Message)];
        }
        catch (ArgumentException)
        {
            // Utf8JsonWriter refuses strings that are not valid UTF-16 (a lone "\ud800" escape in a quoted scalar).
            return [new Manifest(number, line, null, "document holds text that is not valid Unicode (a lone surrogate escape such as \\ud800)")];
        }

        return Unwrap(number, line, JsonDocument.Parse(json, JsonOptions));
    }

    private static IEnumerable<Manifest> ReadJson(string text, bool borrowItems)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, JsonOptions);
        }
        catch (JsonException ex)
        {
            var depth = ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase) ? $" (documents may nest at most {ReadLimits.MaxDepth} levels)" : "";
            return [new Manifest(1, (int)(ex.LineNumber ?? 0) + 1, null, $"invalid JSON at line {(ex.LineNumber ?? 0) + 1}: {ex.Message}{depth}")];
        }

        return document.RootElement.ValueKind == JsonValueKind.Array ? Items(document, borrowItems) : Unwrap(1, 1, document);
    }

    /// <summary>
    /// A top-level JSON array: each item is a document of its own, cloned out of the array, which is then freed; or,
    /// streamed (<paramref name="borrow"/>), read in place while the array lives, the array freed once all are read.
    /// </summary>
    private static IEnumerable<Manifest> Items(JsonDocument array, bool borrow)
    {
        using (array)
        {
            var number = 0;
            foreach (var item in array.RootElement.EnumerateArray())
            {
                number++;
                foreach (var manifest in UnwrapElement(number, 1, item, borrow))
                {
                    yield return manifest;
                }
            }
        }
    }

    private static IEnumerable<Manifest> Unwrap(int number, int line, JsonDocument document)
    {
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            return [NotAnObject(number, line)];
        }

        if (IsList(root))
        {
            List<Manifest> items = [.. root.Child("items"u8).EnumerateArray().Select(item => new Manifest(number, line, item.Clone()))];
            document.Dispose();
            return items;
        }

        return [new Manifest(number, line, document, null)];
    }

    private static IEnumerable<Manifest> UnwrapElement(int number, int line, JsonElement root, bool borrow)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return [NotAnObject(number, line)];
        }

        return IsList(root)
            ? root.Child("items"u8).EnumerateArray().Select(item => new Manifest(number, line, item.Clone())).ToList()
            : [new Manifest(number, line, borrow ? root : root.Clone())];
    }

    private static bool IsList(JsonElement root) =>
        root.Child("kind"u8).AsString() is { } kind && kind.EndsWith("List", StringComparison.Ordinal) && root.Child("items"u8).ValueKind == JsonValueKind.Array;

    private static Manifest NotAnObject(int number, int line) =>
        new(number, line, null, "document is not a Kubernetes object (expected a mapping with apiVersion and kind)");
}
