using System.Text.Json;

namespace Guardrails.Policies.Resources;

/// <summary>Null-tolerant navigation: a missing or non-object step yields <c>default</c> (kind Undefined) instead of throwing.</summary>
public static class JsonElementExtensions
{
    /// <remarks>
    /// Never throws: System.Text.Json throws when the search meets a key it cannot decode (a lone escaped surrogate
    /// such as <c>"\ud800"</c>); then the keys are compared one by one and the undecodable ones skipped.
    /// </remarks>
    public static JsonElement Child(this JsonElement element, ReadOnlySpan<byte> utf8Name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        try
        {
            return element.TryGetProperty(utf8Name, out var child) ? child : default;
        }
        catch (InvalidOperationException)
        {
            return ChildSkippingUndecodableKeys(element, utf8Name);
        }
    }

    public static JsonElement Child(this JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        try
        {
            return element.TryGetProperty(name, out var child) ? child : default;
        }
        catch (InvalidOperationException)
        {
            return ChildSkippingUndecodableKeys(element, System.Text.Encoding.UTF8.GetBytes(name));
        }
    }

    private static JsonElement ChildSkippingUndecodableKeys(JsonElement element, ReadOnlySpan<byte> utf8Name)
    {
        // The last of duplicate keys wins, as in TryGetProperty.
        JsonElement found = default;
        foreach (var property in element.EnumerateObject())
        {
            try
            {
                if (property.NameEquals(utf8Name))
                {
                    found = property.Value;
                }
            }
            catch (InvalidOperationException)
            {
                // This key cannot be decoded, so it is not the one asked for.
            }
        }

        return found;
    }

    public static bool IsPresent(this JsonElement element) =>
        element.ValueKind is not JsonValueKind.Undefined and not JsonValueKind.Null;

    /// <summary>
    /// The string value, or null for any other kind. Never throws: text that cannot be decoded (invalid UTF-8, a
    /// lone escaped surrogate) comes back with U+FFFD in place of the bad parts, so a rule sees a wrong value and
    /// reports it instead of crashing the request.
    /// </summary>
    public static string? AsString(this JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element);
            return System.Text.Encoding.UTF8.GetString(raw.Length >= 2 ? raw[1..^1] : raw);
        }
    }

    /// <summary>Quantities arrive as strings (<c>"500m"</c>) or as bare numbers (<c>0.5</c>); both are valid.</summary>
    public static string? AsScalarText(this JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.AsString(),
        JsonValueKind.Number => element.GetRawText(),
        _ => null,
    };

    public static bool? AsBool(this JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    public static long? AsInt64(this JsonElement element) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var value) ? value : null;

    /// <summary>How a value is shown in a message: strings bare, everything else as JSON, missing as "unset".</summary>
    public static string Display(this JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => "unset",
        JsonValueKind.String => element.AsString()!,
        JsonValueKind.Object or JsonValueKind.Array => System.Text.Encoding.UTF8.GetString(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element)),
        _ => element.GetRawText(),
    };
}
