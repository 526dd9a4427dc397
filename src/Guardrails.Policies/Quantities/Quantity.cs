using System.Diagnostics.CodeAnalysis;

namespace Guardrails.Policies.Quantities;

/// <summary>
/// An exact Kubernetes resource quantity (<c>500m</c>, <c>1.5Gi</c>, <c>1e3</c>), stored as a <see cref="decimal"/>
/// in base units (cores, bytes, count) with at most nano precision.
/// </summary>
/// <remarks>
/// Equality and ordering use the value only, so <c>1Gi == 1024Mi == 1073741824</c>; the format only affects
/// <see cref="ToString"/>.
/// </remarks>
public readonly struct Quantity : IEquatable<Quantity>, IComparable<Quantity>
{
    /// <summary>Creates a quantity, rounding anything finer than 1n away from zero as Kubernetes does.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is not a defined format.</exception>
    public Quantity(decimal value, QuantityFormat format = QuantityFormat.DecimalSI)
    {
        if (!Enum.IsDefined(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown quantity format.");
        }

        // Rounding up rather than to nearest means a tiny non-zero request never silently becomes zero.
        var mode = value < 0m ? MidpointRounding.ToNegativeInfinity : MidpointRounding.ToPositiveInfinity;
        Value = Normalize(decimal.Round(value, 9, mode));
        Format = format;
    }

    // Parameter order differs from the public constructor on purpose: callers here already hold an
    // exact nano-aligned value and must skip validation and rounding.
    internal Quantity(QuantityFormat format, decimal exactValue)
    {
        Value = Normalize(exactValue);
        Format = format;
    }

    public static Quantity Zero => default;

    /// <summary>The exact value in base units (cores, bytes, count).</summary>
    public decimal Value { get; }

    /// <summary>The suffix family of the input, used when formatting.</summary>
    public QuantityFormat Format { get; }

    public bool IsZero => Value == 0m;

    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="QuantityFormatException"><paramref name="text"/> is not a valid quantity.</exception>
    public static Quantity Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var status = QuantityParser.TryParse(text, out var quantity, out var suffixStart);
        return status == QuantityParseStatus.Success
            ? quantity
            : throw new QuantityFormatException(QuantityParser.DescribeError(text, status, suffixStart));
    }

    public static bool TryParse(ReadOnlySpan<char> text, out Quantity quantity) =>
        QuantityParser.TryParse(text, out quantity, out _) == QuantityParseStatus.Success;

    /// <param name="text">The text to parse.</param>
    /// <param name="quantity">The parsed quantity, or <see cref="Zero"/> on failure.</param>
    /// <param name="error">Names the value and why it is invalid, e.g. <c>'12Gb' is not a valid quantity: unknown suffix 'Gb' ...</c>.</param>
    public static bool TryParse(string? text, out Quantity quantity, [NotNullWhen(false)] out string? error)
    {
        var span = text.AsSpan();
        var status = QuantityParser.TryParse(span, out quantity, out var suffixStart);
        error = status == QuantityParseStatus.Success ? null : QuantityParser.DescribeError(span, status, suffixStart);
        return error is null;
    }

    // Like Kubernetes' Quantity.Add, the left format wins unless the left side is zero.
    // Arithmetic runs on exact nano-units because decimal would silently round results past 28-29 digits.

    /// <exception cref="OverflowException">The exact sum cannot be represented (beyond about ±7.9e28, or too many digits).</exception>
    public static Quantity operator +(Quantity a, Quantity b) =>
        new(a.IsZero ? b.Format : a.Format, NanoUnits.ToDecimal(NanoUnits.FromDecimal(a.Value) + NanoUnits.FromDecimal(b.Value)));

    /// <exception cref="OverflowException">The exact difference cannot be represented (beyond about ±7.9e28, or too many digits).</exception>
    public static Quantity operator -(Quantity a, Quantity b) =>
        new(a.IsZero ? b.Format : a.Format, NanoUnits.ToDecimal(NanoUnits.FromDecimal(a.Value) - NanoUnits.FromDecimal(b.Value)));

    /// <exception cref="OverflowException">The exact product cannot be represented (beyond about ±7.9e28, or too many digits).</exception>
    public static Quantity operator *(Quantity a, long factor) =>
        new(a.Format, NanoUnits.ToDecimal(checked(NanoUnits.FromDecimal(a.Value) * factor)));

    public static bool operator ==(Quantity left, Quantity right) => left.Equals(right);

    public static bool operator !=(Quantity left, Quantity right) => !left.Equals(right);

    public static bool operator <(Quantity left, Quantity right) => left.Value < right.Value;

    public static bool operator >(Quantity left, Quantity right) => left.Value > right.Value;

    public static bool operator <=(Quantity left, Quantity right) => left.Value <= right.Value;

    public static bool operator >=(Quantity left, Quantity right) => left.Value >= right.Value;

    public bool Equals(Quantity other) => Value == other.Value;

    public override bool Equals(object? obj) => obj is Quantity other && Equals(other);

    public override int GetHashCode() => Value.GetHashCode();

    public int CompareTo(Quantity other) => Value.CompareTo(other.Value);

    /// <summary>The canonical Kubernetes form: <c>1536Mi</c>, <c>1500m</c>, <c>2M</c>, <c>1e3</c>, <c>0</c>.</summary>
    public override string ToString() => QuantityFormatter.Format(Value, Format);

    // A single representation of zero keeps hashing and printing free of "-0" surprises.
    private static decimal Normalize(decimal value) => value == 0m ? 0m : value;
}
