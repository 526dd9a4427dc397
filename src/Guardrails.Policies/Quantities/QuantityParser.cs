namespace Guardrails.Policies.Quantities;

/// <summary>
/// Parses the Kubernetes quantity grammar exactly: <c>[+-]digits[.digits]suffix</c>.
/// </summary>
/// <remarks>
/// The value is computed as an integer count of nano-units in <see cref="UInt128"/> rather than with
/// <see cref="decimal"/> arithmetic, because decimal silently rounds once a product needs more than 28 digits
/// and Kubernetes rounds sub-nano precision up (away from zero), not to nearest. Arbitrarily long digit strings
/// and exponents are handled in linear time without allocating.
/// </remarks>
internal static class QuantityParser
{
    private const int MaxDisplayLength = 64;

    // Exponents this large already push any non-zero value out of range (or below one nano),
    // so clamping keeps the arithmetic in range without changing any outcome.
    private const long ExponentClamp = 1_000_000;

    // decimal.MaxValue in nano-units is about 7.9e37; keeping every intermediate at or below 1e38
    // detects overflow early and still leaves UInt128 headroom for one more digit.
    private static readonly UInt128 Cap = PowersOfTen.Get(PowersOfTen.MaxExponent);
    private static readonly UInt128 CapDividedByTen = Cap / 10;

    public static QuantityParseStatus TryParse(ReadOnlySpan<char> text, out Quantity quantity, out int suffixStart)
    {
        quantity = default;
        suffixStart = 0;
        if (text.IsEmpty)
        {
            return QuantityParseStatus.Empty;
        }

        if (ContainsWhiteSpace(text))
        {
            return QuantityParseStatus.WhiteSpace;
        }

        var position = 0;
        var negative = false;
        if (text[0] is '+' or '-')
        {
            negative = text[0] == '-';
            position = 1;
        }

        var integerStart = position;
        while (position < text.Length && char.IsAsciiDigit(text[position]))
        {
            position++;
        }

        var integerDigits = text[integerStart..position];
        var fractionDigits = ReadOnlySpan<char>.Empty;
        if (position < text.Length && text[position] == '.')
        {
            position++;
            var fractionStart = position;
            while (position < text.Length && char.IsAsciiDigit(text[position]))
            {
                position++;
            }

            fractionDigits = text[fractionStart..position];
        }

        if (integerDigits.IsEmpty && fractionDigits.IsEmpty)
        {
            return QuantityParseStatus.MissingNumber;
        }

        suffixStart = position;
        var suffix = text[position..];
        if (!suffix.IsEmpty && suffix[0] == '.')
        {
            return QuantityParseStatus.MalformedNumber;
        }

        var suffixStatus = InterpretSuffix(suffix, out var format, out var exponent);
        if (suffixStatus != QuantityParseStatus.Success)
        {
            return suffixStatus;
        }

        var digits = new Digits(integerDigits, fractionDigits);
        if (digits.IsZero)
        {
            // Kubernetes demotes binary values below 1 to DecimalSI; zero is the simplest such value.
            quantity = new Quantity(format == QuantityFormat.BinarySI ? QuantityFormat.DecimalSI : format, 0m);
            return QuantityParseStatus.Success;
        }

        var binaryExponent = format == QuantityFormat.BinarySI ? (int)exponent : 0;
        var decimalExponent = format == QuantityFormat.BinarySI ? 0 : exponent;
        var status = TryComputeNanos(digits, decimalExponent - fractionDigits.Length + NanoUnits.Digits, binaryExponent, out var nanos);
        if (status != QuantityParseStatus.Success)
        {
            return status;
        }

        status = NanoUnits.TryToDecimal(nanos, negative, out var value, out var isBelowOne);
        if (status != QuantityParseStatus.Success)
        {
            return status;
        }

        if (format == QuantityFormat.BinarySI && isBelowOne)
        {
            format = QuantityFormat.DecimalSI;
        }

        quantity = new Quantity(format, value);
        return QuantityParseStatus.Success;
    }

    public static string DescribeError(ReadOnlySpan<char> text, QuantityParseStatus status, int suffixStart)
    {
        var suffix = Truncate(text[Math.Min(suffixStart, text.Length)..]);
        var reason = status switch
        {
            QuantityParseStatus.Empty => "value is empty",
            QuantityParseStatus.WhiteSpace => "must not contain whitespace",
            QuantityParseStatus.MissingNumber => "must start with a number, e.g. 500m, 1.5 or 2Gi",
            QuantityParseStatus.MalformedNumber => "malformed number (more than one '.')",
            QuantityParseStatus.UnknownSuffix => $"unknown suffix '{suffix}' (use Gi, G, Mi, M, Ki, k, m, ...)",
            QuantityParseStatus.InvalidExponent => $"invalid exponent '{suffix}' (use e<integer>, e.g. 1e3 or 5e-3)",
            QuantityParseStatus.TooLarge => "too large (the limit is about 7.9e28)",
            QuantityParseStatus.TooPrecise => "too many significant digits to represent exactly",
            _ => "invalid quantity",
        };
        return $"'{Truncate(text)}' is not a valid quantity: {reason}";
    }

    private static QuantityParseStatus InterpretSuffix(ReadOnlySpan<char> suffix, out QuantityFormat format, out long exponent)
    {
        format = QuantityFormat.DecimalSI;
        exponent = 0;
        switch (suffix.Length)
        {
            case 0:
                return QuantityParseStatus.Success;
            case 1:
                exponent = suffix[0] switch
                {
                    'n' => -9,
                    'u' => -6,
                    'm' => -3,
                    'k' => 3,
                    'M' => 6,
                    'G' => 9,
                    'T' => 12,
                    'P' => 15,
                    'E' => 18,
                    _ => long.MinValue,
                };
                return exponent == long.MinValue ? QuantityParseStatus.UnknownSuffix : QuantityParseStatus.Success;
            case 2 when suffix[1] == 'i':
                format = QuantityFormat.BinarySI;
                exponent = suffix[0] switch
                {
                    'K' => 10,
                    'M' => 20,
                    'G' => 30,
                    'T' => 40,
                    'P' => 50,
                    'E' => 60,
                    _ => long.MinValue,
                };
                if (exponent != long.MinValue)
                {
                    return QuantityParseStatus.Success;
                }

                break;
        }

        if (suffix[0] is 'e' or 'E')
        {
            format = QuantityFormat.DecimalExponent;
            return TryParseExponent(suffix[1..], out exponent)
                ? QuantityParseStatus.Success
                : QuantityParseStatus.InvalidExponent;
        }

        return QuantityParseStatus.UnknownSuffix;
    }

    private static bool TryParseExponent(ReadOnlySpan<char> text, out long exponent)
    {
        exponent = 0;
        var negative = false;
        if (!text.IsEmpty && text[0] is '+' or '-')
        {
            negative = text[0] == '-';
            text = text[1..];
        }

        if (text.IsEmpty)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            exponent = Math.Min(exponent * 10 + (c - '0'), ExponentClamp);
        }

        if (negative)
        {
            exponent = -exponent;
        }

        return true;
    }

    // nanos = ceil(digits * 10^power * 2^binaryExponent), where power already includes the shift to nano-units.
    private static QuantityParseStatus TryComputeNanos(Digits digits, long power, int binaryExponent, out UInt128 nanos)
    {
        nanos = UInt128.Zero;
        if (power >= 0)
        {
            // A non-zero mantissa is at least 1, so 10^39 nano-units or more is out of range regardless of the digits.
            if (power > PowersOfTen.MaxExponent
                || !TryAccumulate(digits, digits.Count, out var whole)
                || !TryMultiply(ref whole, PowersOfTen.Get((int)power))
                || !TryShiftLeft(ref whole, binaryExponent))
            {
                return QuantityParseStatus.TooLarge;
            }

            nanos = whole;
        }
        else
        {
            // The lowest `dropped` digits sit below one nano before the binary multiplier is applied.
            var dropped = -power;
            var headCount = (int)Math.Max(0, digits.Count - dropped);
            if (!TryAccumulate(digits, headCount, out var head) || !TryShiftLeft(ref head, binaryExponent))
            {
                return QuantityParseStatus.TooLarge;
            }

            var impliedLeadingZeros = dropped - (digits.Count - headCount);
            nanos = head + CeilingOfScaledFraction(digits, headCount, impliedLeadingZeros, binaryExponent);
        }

        return nanos > Cap ? QuantityParseStatus.TooLarge : QuantityParseStatus.Success;
    }

    private static bool TryAccumulate(Digits digits, int count, out UInt128 value)
    {
        value = UInt128.Zero;
        for (var i = 0; i < count; i++)
        {
            if (value > CapDividedByTen)
            {
                return false;
            }

            value = value * 10 + (uint)digits[i];
        }

        return true;
    }

    private static bool TryMultiply(ref UInt128 value, UInt128 factor)
    {
        if (factor != UInt128.One && value > Cap / factor)
        {
            return false;
        }

        value *= factor;
        return true;
    }

    private static bool TryShiftLeft(ref UInt128 value, int bits)
    {
        if (bits == 0)
        {
            return true;
        }

        if (value > Cap >> bits)
        {
            return false;
        }

        value <<= bits;
        return true;
    }

    // ceil(0.[zeros][digits from start] * 2^binaryExponent), by schoolbook multiplication from the least
    // significant digit: the final carry is the integer part and any non-zero product digit means "round up".
    private static UInt128 CeilingOfScaledFraction(Digits digits, int start, long impliedLeadingZeros, int binaryExponent)
    {
        if (binaryExponent == 0)
        {
            for (var i = start; i < digits.Count; i++)
            {
                if (digits[i] != 0)
                {
                    return UInt128.One;
                }
            }

            return UInt128.Zero;
        }

        var multiplier = UInt128.One << binaryExponent;
        var carry = UInt128.Zero;
        var inexact = false;
        for (var i = digits.Count - 1; i >= start; i--)
        {
            var product = (uint)digits[i] * multiplier + carry;
            inexact |= product % 10 != 0;
            carry = product / 10;
        }

        // The carry shrinks tenfold per leading zero, so this ends after about 20 steps even for 1e-1000000Ki.
        for (long i = 0; i < impliedLeadingZeros && carry != UInt128.Zero; i++)
        {
            inexact |= carry % 10 != 0;
            carry /= 10;
        }

        return inexact ? carry + 1 : carry;
    }

    private static bool ContainsWhiteSpace(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                return true;
            }
        }

        return false;
    }

    // Error text ends up in admission responses; an unbounded echo of hostile input does not belong there.
    private static string Truncate(ReadOnlySpan<char> text) =>
        text.Length <= MaxDisplayLength ? text.ToString() : string.Concat(text[..(MaxDisplayLength - 3)], "...");

    /// <summary>The integer and fraction digits viewed as one digit sequence, without copying.</summary>
    private readonly ref struct Digits
    {
        private readonly ReadOnlySpan<char> _integer;
        private readonly ReadOnlySpan<char> _fraction;

        public Digits(ReadOnlySpan<char> integer, ReadOnlySpan<char> fraction)
        {
            _integer = integer;
            _fraction = fraction;
        }

        public int Count => _integer.Length + _fraction.Length;

        public bool IsZero => !_integer.ContainsAnyExcept('0') && !_fraction.ContainsAnyExcept('0');

        public int this[int index] => (index < _integer.Length ? _integer[index] : _fraction[index - _integer.Length]) - '0';
    }
}
