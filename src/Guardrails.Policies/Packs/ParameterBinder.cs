using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using Guardrails.Policies.Quantities;

namespace Guardrails.Policies.Packs;

/// <summary>
/// Binds a rule file's parameters record from its pack entry: each public settable property is a camelCase key;
/// a <c>required</c> property that is missing, a value of the wrong type and a key no property reads are errors
/// with the file and line (unknown keys are reported by the caller).
/// </summary>
internal static class ParameterBinder
{
    /// <returns>The record, or null with errors in <paramref name="reader"/>.</returns>
    public static object? Bind(
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor | DynamicallyAccessedMemberTypes.PublicProperties)] Type type,
        ParameterReader reader)
    {
        if (type.GetConstructor(Type.EmptyTypes) is null)
        {
            reader.RuleError($"parameters type {type.Name} needs a public parameterless constructor (a record with init properties)");
            return null;
        }

        var parameters = Activator.CreateInstance(type)!;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var key = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
            var wrong = reader.ErrorCount;
            var (value, present) = Read(reader, key, property.PropertyType);
            if (present)
            {
                property.SetValue(parameters, value);
            }
            else if (reader.ErrorCount == wrong && property.GetCustomAttribute<RequiredMemberAttribute>() is not null)
            {
                reader.Error(key, "is required");
            }
        }

        return reader.HasErrors ? null : parameters;
    }

    private static (object? Value, bool Present) Read(ParameterReader reader, string key, Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        object? value = underlying switch
        {
            _ when underlying == typeof(string) => reader.String(key),
            _ when underlying == typeof(bool) => reader.Bool(key),
            _ when underlying == typeof(int) => Whole(reader, key, int.MinValue, int.MaxValue) is { } i ? (int)i : null,
            _ when underlying == typeof(long) => Whole(reader, key, long.MinValue, long.MaxValue),
            _ when underlying == typeof(decimal) => reader.Decimal(key),
            _ when underlying == typeof(double) => reader.Decimal(key) is { } d ? (double)d : null,
            _ when underlying == typeof(Quantity) => reader.Quantity(key),
            _ when underlying == typeof(TimeSpan) => Duration(reader, key),
            _ when underlying.IsEnum => EnumValue(reader, key, underlying),
            _ when underlying == typeof(string[]) => reader.StringList(key)?.ToArray(),
            _ when underlying.IsAssignableFrom(typeof(List<string>)) => reader.StringList(key),
            _ when underlying.IsAssignableFrom(typeof(Dictionary<string, string>)) => reader.StringMap(key),
            _ when underlying.IsAssignableFrom(typeof(Dictionary<string, Quantity>)) => reader.QuantityMap(key),
            _ => Unsupported(reader, key, type),
        };
        return (value, value is not null);
    }

    private static long? Whole(ParameterReader reader, string key, long min, long max)
    {
        var text = reader.String(key);
        if (text is null)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        reader.Error(key, $"'{text}' is not a whole number");
        return null;
    }

    private static TimeSpan? Duration(ParameterReader reader, string key)
    {
        var text = reader.String(key);
        if (text is null)
        {
            return null;
        }

        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 1.0)
            : text.EndsWith('s') ? (text[..^1], 1000.0)
            : text.EndsWith('m') ? (text[..^1], 60_000.0)
            : (text, double.NaN);
        if (!double.IsNaN(unit) && double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0)
        {
            return TimeSpan.FromMilliseconds(value * unit);
        }

        reader.Error(key, $"'{text}' is not a duration (for example 500ms, 30s, 5m)");
        return null;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2067", Justification = "Enum names of a type the rule file compiled are all present.")]
    private static object? EnumValue(ParameterReader reader, string key, Type type)
    {
        var text = reader.String(key);
        if (text is null)
        {
            return null;
        }

        if (Enum.TryParse(type, text, ignoreCase: true, out var value) && Enum.IsDefined(type, value!))
        {
            return value;
        }

        reader.Error(key, $"'{text}' is not one of {string.Join(", ", Enum.GetNames(type))}");
        return null;
    }

    private static object? Unsupported(ParameterReader reader, string key, Type type)
    {
        reader.RuleError($"parameter '{key}' has type {type.Name}, which packs cannot write (use string, bool, int, long, decimal, double, Quantity, TimeSpan, an enum, a list of strings or a map of strings)");
        return null;
    }
}
