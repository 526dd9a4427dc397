using System.Text.Json;
using Guardrails.Policies.Quantities;
using Guardrails.Policies.Resources;

namespace Guardrails.Policies.Authoring;

/// <summary>
/// A value somewhere in the object, with the field path that names it (<c>spec.tls[0].hosts</c>), so a violation can
/// say exactly where. Missing steps never throw: they give a field that is not present.
/// </summary>
public readonly struct Field
{
    // Where the field is, as a chain of steps: the path and pointer strings are built only when asked for (a rule
    // reads many fields and reports on few), and then once per step.
    private readonly FieldLocation? _location;

    internal Field(JsonElement element, string path, string pointer)
    {
        Element = element;
        _location = path.Length == 0 && pointer.Length == 0 ? null : new FieldLocation(path, pointer);
    }

    private Field(JsonElement element, FieldLocation location)
    {
        Element = element;
        _location = location;
    }

    /// <summary>Dotted path from the object root; keys holding dots or slashes are bracketed: <c>metadata.labels['app.kubernetes.io/name']</c>.</summary>
    public string Path => _location?.Path ?? "";

    /// <summary>The same place as an RFC 6901 JSON pointer (<c>/metadata/labels/app.kubernetes.io~1name</c>), for patches.</summary>
    public string Pointer => _location?.Pointer ?? "";

    /// <summary>The raw JSON, for what the typed accessors do not cover.</summary>
    public JsonElement Element { get; }

    /// <summary>Present and not null.</summary>
    public bool IsPresent => Element.IsPresent();

    public bool IsObject => Element.ValueKind == JsonValueKind.Object;

    public bool IsArray => Element.ValueKind == JsonValueKind.Array;

    /// <summary>The number of items of an array, 0 for anything else.</summary>
    public int Count => IsArray ? Element.GetArrayLength() : 0;

    /// <summary>A child field of an object.</summary>
    public Field this[string name] => new(Element.Child(name), new FieldLocation(_location, name));

    /// <summary>An item of an array.</summary>
    public Field this[int index] => new(
        IsArray && index >= 0 && index < Element.GetArrayLength() ? Element[index] : default,
        new FieldLocation(_location, index));

    /// <summary>The items of an array (none for anything else), each with its own path.</summary>
    public IEnumerable<Field> Items
    {
        get
        {
            if (!IsArray)
            {
                yield break;
            }

            var index = 0;
            foreach (var item in Element.EnumerateArray())
            {
                yield return new Field(item, new FieldLocation(_location, index));
                index++;
            }
        }
    }

    /// <summary>The members of an object (none for anything else).</summary>
    public IEnumerable<KeyValuePair<string, Field>> Properties
    {
        get
        {
            if (!IsObject)
            {
                yield break;
            }

            foreach (var property in Element.EnumerateObject())
            {
                yield return new(property.Name, new Field(property.Value, new FieldLocation(_location, property.Name)));
            }
        }
    }

    /// <summary>A field further down, written as a path from here: <c>spec.rules[0].host</c>.</summary>
    public Field At(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var field = this;
        foreach (var segment in relativePath.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            field = field[bracket < 0 ? segment : segment[..bracket]];
            while (bracket >= 0)
            {
                var close = segment.IndexOf(']', bracket);
                if (close < 0 || !int.TryParse(segment.AsSpan(bracket + 1, close - bracket - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
                {
                    throw new ArgumentException($"'{relativePath}' is not a field path (write a.b[0].c)", nameof(relativePath));
                }

                field = field[index];
                bracket = segment.IndexOf('[', close);
            }
        }

        return field;
    }

    public string? AsString() => Element.AsString();

    public bool? AsBool() => Element.AsBool();

    public long? AsInt64() => Element.AsInt64();

    public double? AsDouble() => Element.ValueKind == JsonValueKind.Number && Element.TryGetDouble(out var value) ? value : null;

    /// <summary>A Kubernetes quantity written as a string (<c>"500m"</c>) or a number; null when absent or not one.</summary>
    public Quantity? AsQuantity() => Quantity.TryParse(Element.AsScalarText(), out var quantity, out _) ? quantity : null;

    /// <summary>An integer or a percentage as Kubernetes writes <c>maxUnavailable</c>: <c>1</c> or <c>"25%"</c>.</summary>
    public (long Value, bool IsPercent)? AsIntOrPercent()
    {
        if (AsInt64() is { } number)
        {
            return (number, false);
        }

        var text = AsString();
        if (text is { Length: > 1 } && text[^1] == '%'
            && long.TryParse(text.AsSpan(0, text.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var percent))
        {
            return (percent, true);
        }

        return null;
    }

    /// <summary>The value as a message shows it: strings bare, other values as JSON, missing as <c>unset</c>.</summary>
    public string Display => Element.Display();

    public override string ToString() => $"{Path} = {Display}";
}
