using System.Text.Json;

namespace Guardrails.Policies.Resources;

/// <summary>Null-tolerant navigation: a missing or non-object step yields <c>default</c> (kind Undefined) instead of throwing.</summary>
public static class JsonElementExtensions
{
    public static JsonElement Child(this JsonElement element, ReadOnlySpan<byte> utf8Name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(utf8Name, out var child) ? child : default;

    public static JsonElement Child(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var child) ? child : default;

    public static bool IsPresent(this JsonElement element) =>
        element.ValueKind is not JsonValueKind.Undefined and not JsonValueKind.Null;

    public static string? AsString(this JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString() : null;

    /// <summary>Quantities arrive as strings (<c>"500m"</c>) or as bare numbers (<c>0.5</c>); both are valid.</summary>
    public static string? AsScalarText(this JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
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
        JsonValueKind.String => element.GetString()!,
        _ => element.GetRawText(),
    };
}
