using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Guardrails.Policies.Resources;

namespace Guardrails.Policies.Engine.Updates;

/// <summary>
/// A field of an object, read from a violation's dotted path (<c>spec.template.spec.containers[1].image</c>) or a
/// patch's JSON pointer (<c>/spec/template/spec/containers/1/image</c>), so the same field can be found in an
/// object's old and new versions.
/// </summary>
internal sealed class FieldPath
{
    private readonly Segment[] _segments;

    private FieldPath(Segment[] segments)
    {
        _segments = segments;
    }

    /// <summary>Reads <c>a.b[2].c</c>; a key holding dots or slashes may be written <c>a['x.io/y']</c>. Null when it is not a path.</summary>
    public static FieldPath? FromDotted(string path)
    {
        // Rules report the same few paths over and over; a bounded cache keeps parsing off the UPDATE path.
        if (Parsed.TryGetValue(path, out var known))
        {
            return known;
        }

        var parsed = Parse(path);
        if (Parsed.Count < MaxCached)
        {
            Parsed.TryAdd(path, parsed);
        }

        return parsed;
    }

    private const int MaxCached = 4096;

    private static readonly ConcurrentDictionary<string, FieldPath?> Parsed = new(StringComparer.Ordinal);

    private static FieldPath? Parse(string path)
    {
        var segments = new List<Segment>();
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                i++;
                continue;
            }

            if (path[i] == '[')
            {
                var close = path.IndexOf(']', i);
                if (close < 0)
                {
                    return null;
                }

                var inside = path[(i + 1)..close];
                if (inside.Length >= 2 && inside[0] is '\'' or '"' && inside[^1] == inside[0])
                {
                    segments.Add(Segment.Key(inside[1..^1]));
                }
                else if (int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    segments.Add(Segment.At(index));
                }
                else
                {
                    return null;
                }

                i = close + 1;
                continue;
            }

            var end = path.IndexOfAny(['.', '['], i);
            end = end < 0 ? path.Length : end;
            segments.Add(Segment.Key(path[i..end]));
            i = end;
        }

        return segments.Count == 0 ? null : new FieldPath([.. segments]);
    }

    /// <summary>Reads an RFC 6901 pointer; a number is an array index when the value it steps into is an array.</summary>
    public static FieldPath FromPointer(string pointer)
    {
        var parts = pointer.Length == 0 ? [] : pointer[1..].Split('/');
        return new FieldPath(parts.Select(p => Segment.Key(p.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))).ToArray());
    }

    /// <summary>The path of a region given by its property names from the root, e.g. <c>spec, template</c>.</summary>
    public static FieldPath Of(IEnumerable<string> keys) => new(keys.Select(Segment.Key).ToArray());

    public bool StartsWith(FieldPath prefix)
    {
        if (prefix._segments.Length > _segments.Length)
        {
            return false;
        }

        for (var i = 0; i < prefix._segments.Length; i++)
        {
            if (!prefix._segments[i].Matches(_segments[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether the segment at <paramref name="position"/> is the property <paramref name="key"/>.</summary>
    public bool KeyAt(int position, string key) =>
        position < _segments.Length && _segments[position].Name == key;

    public int Length => _segments.Length;

    /// <summary>The value there, or Undefined when a step is missing.</summary>
    public JsonElement Resolve(JsonElement root)
    {
        var current = root;
        foreach (var segment in _segments)
        {
            current = segment.Step(current);
            if (current.ValueKind == JsonValueKind.Undefined)
            {
                break;
            }
        }

        return current;
    }

    /// <summary>
    /// Whether this path in <paramref name="root"/> and <paramref name="other"/> in <paramref name="otherRoot"/> are
    /// the same field — the same keys, and list items with the same <c>name</c> (or, without names, the same index) —
    /// holding the same value. Equal to comparing <see cref="Identity"/> and the resolved values, in one walk.
    /// </summary>
    public bool SameFieldAndValue(JsonElement root, FieldPath other, JsonElement otherRoot)
    {
        if (other._segments.Length != _segments.Length)
        {
            return false;
        }

        var (current, otherCurrent) = (root, otherRoot);
        for (var i = 0; i < _segments.Length; i++)
        {
            var (segment, otherSegment) = (_segments[i], other._segments[i]);
            var index = segment.Index(current);
            var otherIndex = otherSegment.Index(otherCurrent);
            var next = segment.Step(current);
            var otherNext = otherSegment.Step(otherCurrent);
            if (index is not null || otherIndex is not null)
            {
                if (index is null || otherIndex is null || !SameName(next, otherNext, index == otherIndex))
                {
                    return false;
                }
            }
            else if (segment.Name != otherSegment.Name)
            {
                return false;
            }

            (current, otherCurrent) = (next, otherNext);
        }

        return current.ValueKind == JsonValueKind.Undefined || otherCurrent.ValueKind == JsonValueKind.Undefined
            ? current.ValueKind == otherCurrent.ValueKind
            : JsonElement.DeepEquals(current, otherCurrent);
    }

    /// <summary>List items are the same when their names are (compared as sent), or, unnamed, when they sit at the same index.</summary>
    private static bool SameName(JsonElement item, JsonElement otherItem, bool sameIndex)
    {
        var name = item.Child("name"u8);
        var otherName = otherItem.Child("name"u8);
        var named = name.ValueKind == JsonValueKind.String;
        if (named != (otherName.ValueKind == JsonValueKind.String))
        {
            return false;
        }

        return named
            ? System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(name).SequenceEqual(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(otherName))
            : sameIndex;
    }

    /// <summary>
    /// The path with each list item named by its <c>name</c> where it has one (containers, volumes, env), so that
    /// <c>containers[0]</c> in the old object and <c>containers[1]</c> in the new one are the same field when a
    /// container was inserted before it, and a renamed container is a different one.
    /// </summary>
    public string Identity(JsonElement root)
    {
        var text = new StringBuilder();
        var current = root;
        foreach (var segment in _segments)
        {
            var next = segment.Step(current);
            if (current.ValueKind == JsonValueKind.Array && segment.Index(current) is { } index)
            {
                var name = next.Child("name"u8).AsString();
                text.Append(name is null ? $"[{index}]" : $"[name={name}]");
            }
            else
            {
                text.Append('.').Append(segment.Name);
            }

            current = next;
        }

        return text.ToString();
    }

    private readonly record struct Segment(string? Name, int? Position, byte[]? Utf8Name)
    {
        public static Segment Key(string name) => new(name, null, Encoding.UTF8.GetBytes(name));

        public static Segment At(int index) => new(null, index, null);

        /// <summary>A pointer's "0" and a dotted path's [0] are the same step into a list.</summary>
        public bool Matches(Segment other) =>
            (Name is not null && Name == other.Name) || (IndexText == other.IndexText && IndexText is not null);

        private string? IndexText => Position?.ToString(CultureInfo.InvariantCulture) ?? (Name is not null && IsNumber(Name) ? Name : null);

        public int? Index(JsonElement container) =>
            container.ValueKind != JsonValueKind.Array ? null
            : Position ?? (Name is not null && IsNumber(Name) ? int.Parse(Name, CultureInfo.InvariantCulture) : null);

        public JsonElement Step(JsonElement current)
        {
            if (current.ValueKind == JsonValueKind.Array)
            {
                return Index(current) is { } index && index < current.GetArrayLength() ? current[index] : default;
            }

            return Utf8Name is null ? default : current.Child(Utf8Name);
        }

        private static bool IsNumber(string text) =>
            text.Length is > 0 and < 10 && !text.AsSpan().ContainsAnyExceptInRange('0', '9');
    }
}
