using System.Diagnostics;
using System.Globalization;

namespace Guardrails.Policies.Quantities;

/// <summary>Prints quantities the way Kubernetes' <c>Quantity.CanonicalizeBytes</c> does.</summary>
internal static class QuantityFormatter
{
    private const int BinaryStep = 10;
    private const int BinaryMask = (1 << BinaryStep) - 1;
    private const int LargestBinaryPower = 6;
    private const int SmallestDecimalSIExponent = -9;
    private const int LargestDecimalSIExponent = 18;

    private static readonly string[] BinarySuffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    private static readonly string[] DecimalSuffixes = ["n", "u", "m", "", "k", "M", "G", "T", "P", "E"];

    public static string Format(decimal value, QuantityFormat format)
    {
        if (value == 0m)
        {
            return "0";
        }

        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var mantissa = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        var negative = bits[3] < 0;
        var exponent = -((bits[3] >> 16) & 0xFF);
        while (mantissa % 10 == 0)
        {
            mantissa /= 10;
            exponent++;
        }

        // Sign, 29 digits plus up to 9 alignment zeros, and the longest suffix ("e-9", "e27") fit comfortably.
        Span<char> buffer = stackalloc char[64];
        var length = 0;
        if (negative)
        {
            buffer[length++] = '-';
        }

        // Binary suffixes only for whole multiples of 1Ki; anything else prints as DecimalSI. Kubernetes prints a whole
        // non-multiple like 5180992000 bare, which re-parses as DecimalSI and then prints as 5180992k; going straight
        // to the DecimalSI form keeps ToString stable across a round trip.
        if (format == QuantityFormat.BinarySI && exponent >= 0)
        {
            var whole = mantissa * PowersOfTen.Get(exponent);
            var power = 0;
            while (power < LargestBinaryPower && (whole & BinaryMask) == 0)
            {
                whole >>= BinaryStep;
                power++;
            }

            if (power > 0)
            {
                length += Write(whole, buffer[length..]);
                length += Write(BinarySuffixes[power], buffer[length..]);
                return new string(buffer[..length]);
            }
        }

        // Round the exponent down to a multiple of three so it maps onto an SI prefix (1.5 -> 1500m).
        var aligned = exponent >= 0 ? exponent / 3 * 3 : -((2 - exponent) / 3 * 3);
        if (format != QuantityFormat.DecimalExponent && aligned > LargestDecimalSIExponent)
        {
            aligned = LargestDecimalSIExponent;
        }

        Debug.Assert(aligned >= SmallestDecimalSIExponent, "Quantities never carry precision finer than 1n.");
        mantissa *= PowersOfTen.Get(exponent - aligned);
        length += Write(mantissa, buffer[length..]);
        if (format == QuantityFormat.DecimalExponent)
        {
            if (aligned != 0)
            {
                buffer[length++] = 'e';
                aligned.TryFormat(buffer[length..], out var written, default, CultureInfo.InvariantCulture);
                length += written;
            }
        }
        else
        {
            length += Write(DecimalSuffixes[(aligned - SmallestDecimalSIExponent) / 3], buffer[length..]);
        }

        return new string(buffer[..length]);
    }

    private static int Write(UInt128 value, Span<char> destination)
    {
        value.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture);
        return written;
    }

    private static int Write(string text, Span<char> destination)
    {
        text.CopyTo(destination);
        return text.Length;
    }
}
