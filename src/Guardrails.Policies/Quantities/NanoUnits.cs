using System.Diagnostics;

namespace Guardrails.Policies.Quantities;

/// <summary>
/// Converts between <see cref="decimal"/> and integer counts of nano-units, the exact currency of quantity
/// parsing and arithmetic.
/// </summary>
/// <remarks>
/// decimal arithmetic rounds silently once a result needs more than 28-29 significant digits
/// (1e21 + 1n, for example); integer nano-units make that loss detectable instead.
/// </remarks>
internal static class NanoUnits
{
    public const int Digits = 9;

    private static readonly UInt128 MaxDecimalMantissa = (UInt128.One << 96) - 1;

    /// <summary>The value in nano-units; |result| stays below 7.93e37, so sums of two never overflow Int128.</summary>
    public static Int128 FromDecimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var scale = (bits[3] >> 16) & 0xFF;
        Debug.Assert(scale <= Digits, "Quantity values never carry precision finer than 1n.");
        var mantissa = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        var nanos = (Int128)(mantissa * PowersOfTen.Get(Digits - scale));
        return bits[3] < 0 ? -nanos : nanos;
    }

    /// <exception cref="OverflowException">The value is outside the decimal range or needs more digits than decimal holds.</exception>
    public static decimal ToDecimal(Int128 nanos)
    {
        var negative = Int128.IsNegative(nanos);
        var magnitude = (UInt128)(negative ? checked(-nanos) : nanos);
        return TryToDecimal(magnitude, negative, out var value, out _) switch
        {
            QuantityParseStatus.Success => value,
            QuantityParseStatus.TooLarge => throw new OverflowException("The quantity is outside the supported range (about ±7.9e28)."),
            _ => throw new OverflowException("The quantity needs more significant digits than can be represented exactly."),
        };
    }

    public static QuantityParseStatus TryToDecimal(UInt128 nanos, bool negative, out decimal value, out bool isBelowOne)
    {
        value = 0m;
        var scale = Digits;
        while (scale > 0 && nanos % 10 == 0)
        {
            nanos /= 10;
            scale--;
        }

        isBelowOne = nanos < PowersOfTen.Get(scale);
        if (nanos > MaxDecimalMantissa)
        {
            // Either the whole part is beyond decimal, or it fits but the nano fraction would need more than 96 bits.
            return nanos > MaxDecimalMantissa * PowersOfTen.Get(scale)
                ? QuantityParseStatus.TooLarge
                : QuantityParseStatus.TooPrecise;
        }

        value = new decimal((int)(uint)nanos, (int)(uint)(nanos >> 32), (int)(uint)(nanos >> 64), negative, (byte)scale);
        return QuantityParseStatus.Success;
    }
}
