using System.Globalization;
using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using Guardrails.Policies.Quantities;

namespace Guardrails.Policies.Tests.Quantities;

public sealed class QuantityPropertyTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(1000);

    [Fact]
    public void Parse_agrees_with_decimal_arithmetic_and_round_trips_through_ToString()
    {
        var property = Prop.ForAll(QuantityGenerators.Written.ToArbitrary(), written =>
        {
            var quantity = Quantity.Parse(written.Text);
            var canonical = quantity.ToString();
            var reparsed = Quantity.Parse(canonical);

            return quantity.Value == written.ExpectedValue
                && reparsed == quantity
                && reparsed.ToString() == canonical;
        });

        Check.One(Runs, property);
    }

    [Fact]
    public void Parse_matches_an_arbitrary_precision_reference_on_long_digit_strings()
    {
        var (accepted, rejected) = (0, 0);
        var property = Prop.ForAll(QuantityGenerators.LongDigits.ToArbitrary(), written =>
        {
            var parsed = Quantity.TryParse(written.Text.AsSpan(), out var quantity);
            var expected = written.ExpectedNanos;
            _ = parsed ? accepted++ : rejected++;

            return FitsDecimalExactly(expected)
                ? parsed && Nanos(quantity) == expected
                : !parsed;
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(5000), property);

        // Both outcomes must be well represented, or the property says little.
        accepted.ShouldBeGreaterThan(1000);
        rejected.ShouldBeGreaterThan(1000);
    }

    [Fact]
    public void Ordering_agrees_with_the_decimal_values()
    {
        var equalPairs = 0;
        var property = Prop.ForAll(QuantityGenerators.Pairs.ToArbitrary(), pair =>
        {
            var (a, b) = pair;
            equalPairs += a.ExpectedValue == b.ExpectedValue ? 1 : 0;
            var left = Quantity.Parse(a.Text);
            var right = Quantity.Parse(b.Text);
            var expected = Math.Sign(a.ExpectedValue.CompareTo(b.ExpectedValue));

            return Math.Sign(left.CompareTo(right)) == expected
                && (left < right) == (expected < 0)
                && (left > right) == (expected > 0)
                && (left == right) == (expected == 0)
                && (left <= right) == (expected <= 0)
                && (left >= right) == (expected >= 0);
        });

        Check.One(Runs, property);
        equalPairs.ShouldBeGreaterThan(100);
    }

    [Fact]
    public void Adding_then_subtracting_the_same_quantity_gives_the_original()
    {
        var exactSums = 0;
        var property = Prop.ForAll(QuantityGenerators.Pairs.ToArbitrary(), pair =>
        {
            var a = Quantity.Parse(pair.Item1.Text);
            var b = Quantity.Parse(pair.Item2.Text);
            var exact = Nanos(a) + Nanos(b);
            if (!FitsDecimalExactly(exact))
            {
                // decimal cannot hold e.g. 1e21 + 1n; the operator must refuse rather than round.
                return Throws<OverflowException>(() => a + b);
            }

            exactSums++;
            var sum = a + b;
            return Nanos(sum) == exact && sum - b == a && sum - a == b;
        });

        Check.One(Runs, property);
        exactSums.ShouldBeGreaterThan(700);
    }

    [Fact]
    public void TryParse_never_throws_on_arbitrary_strings()
    {
        var property = Prop.ForAll(ArbMap.Default.ArbFor<string>(), AcceptsOrExplains);

        Check.One(Runs, property);
    }

    [Fact]
    public void TryParse_never_throws_on_quantity_shaped_noise()
    {
        var property = Prop.ForAll(QuantityGenerators.Noise.ToArbitrary(), AcceptsOrExplains);

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(5000), property);
    }

    // Built from the raw decimal bits because value * 1e9 would overflow decimal for large quantities.
    private static BigInteger Nanos(Quantity quantity)
    {
        var bits = decimal.GetBits(quantity.Value);
        var mantissa = (new BigInteger((uint)bits[2]) << 64) | (new BigInteger((uint)bits[1]) << 32) | (uint)bits[0];
        var nanos = mantissa * BigInteger.Pow(10, 9 - quantity.Value.Scale);
        return quantity.Value < 0 ? -nanos : nanos;
    }

    // Independent of the implementation: a nano count fits decimal iff, after dropping up to nine trailing zeros,
    // the remaining digits fit decimal's 96-bit mantissa.
    private static bool FitsDecimalExactly(BigInteger nanos)
    {
        var magnitude = BigInteger.Abs(nanos);
        for (var i = 0; i < 9 && !magnitude.IsZero && magnitude % 10 == 0; i++)
        {
            magnitude /= 10;
        }

        return magnitude < BigInteger.One << 96;
    }

    private static bool Throws<TException>(Func<Quantity> action)
        where TException : Exception
    {
        try
        {
            action();
            return false;
        }
        catch (TException)
        {
            return true;
        }
    }

    // Whatever the input, the outcome is either a value that survives a round trip or an explanation.
    private static bool AcceptsOrExplains(string? text)
    {
        var accepted = Quantity.TryParse(text, out var quantity, out var error);
        if (!accepted)
        {
            return error is not null
                && error.Contains(" is not a valid quantity: ", StringComparison.Ordinal)
                && !Quantity.TryParse(text.AsSpan(), out _);
        }

        var canonical = quantity.ToString();
        return error is null
            && Quantity.TryParse(text.AsSpan(), out var fromSpan) && fromSpan == quantity
            && Quantity.Parse(canonical) == quantity
            && Quantity.Parse(canonical).ToString() == canonical;
    }

    private static class QuantityGenerators
    {
        private const string NoiseAlphabet = "0123456789.+-eEiKkMmGTPnu x";

        // (suffix, multiplier): every suffix family, including exponents that push into sub-nano precision.
        private static readonly (string Suffix, decimal Multiplier)[] Suffixes =
        [
            ("", 1m),
            ("n", 0.000000001m),
            ("u", 0.000001m),
            ("m", 0.001m),
            ("k", 1e3m),
            ("M", 1e6m),
            ("G", 1e9m),
            ("T", 1e12m),
            ("P", 1e15m),
            ("E", 1e18m),
            ("Ki", 1024m),
            ("Mi", 1024m * 1024),
            ("Gi", 1024m * 1024 * 1024),
            ("Ti", 1024m * 1024 * 1024 * 1024),
            ("Pi", 1024m * 1024 * 1024 * 1024 * 1024),
            ("Ei", 1024m * 1024 * 1024 * 1024 * 1024 * 1024),
            ("e0", 1m),
            ("e3", 1e3m),
            ("E6", 1e6m),
            ("e+2", 1e2m),
            ("e7", 1e7m),
            ("e18", 1e18m),
            ("e-3", 0.001m),
            ("E-5", 0.00001m),
            ("e-12", 0.000000000001m),
        ];

        private static readonly Dictionary<string, int> DecimalSIExponents = new(StringComparer.Ordinal)
        {
            [""] = 0,
            ["n"] = -9,
            ["u"] = -6,
            ["m"] = -3,
            ["k"] = 3,
            ["M"] = 6,
            ["G"] = 9,
            ["T"] = 12,
            ["P"] = 15,
            ["E"] = 18,
        };

        // |mantissa| < 1e9 keeps mantissa * multiplier exact in decimal for every suffix above (at most ~1.2e27).
        public static Gen<WrittenQuantity> Written { get; } =
            from mantissa in Gen.Choose(-999_999_999, 999_999_999)
            from fractionDigits in Gen.Choose(0, 9)
            from suffix in Gen.Elements(Suffixes)
            from explicitPlus in Gen.Elements(false, false, false, true)
            select Write(mantissa, fractionDigits, suffix.Suffix, suffix.Multiplier, explicitPlus);

        // Up to 30 integer and 30 fraction digits with any suffix: exercises overflow, sub-nano rounding with
        // binary multipliers and the too-many-digits boundary against a BigInteger reference.
        public static Gen<LongDigitQuantity> LongDigits { get; } =
            from negative in Gen.Elements(false, true)
            from integer in DigitString
            from fraction in DigitString
            from suffix in Gen.OneOf(
                Gen.Elements(DecimalSIExponents.Keys.Concat(["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]).ToArray()),
                Gen.Choose(-45, 45).Select(e => "e" + e.ToString(CultureInfo.InvariantCulture)))
            select WriteLong(negative, integer, fraction, suffix);

        // Mostly independent pairs, plus pairs of one value written two ways (with and without suffix) so that
        // equality is exercised too.
        public static Gen<(WrittenQuantity, WrittenQuantity)> Pairs { get; } =
            Gen.Frequency(
                (3, Written.Two()),
                (1, Written.Select(w => (w, w with { Text = w.ExpectedValue.ToString(CultureInfo.InvariantCulture) }))));

        public static Gen<string> Noise { get; } =
            from length in Gen.Choose(0, 12)
            from characters in Gen.ArrayOf(Gen.Elements(NoiseAlphabet.ToCharArray()), length)
            select new string(characters);

        private static Gen<string> DigitString { get; } =
            from length in Gen.Choose(0, 30)
            from digits in Gen.ArrayOf(Gen.Elements("00123456789".ToCharArray()), length)
            select new string(digits);

        private static LongDigitQuantity WriteLong(bool negative, string integer, string fraction, string suffix)
        {
            if (integer.Length == 0 && fraction.Length == 0)
            {
                integer = "0";
            }

            var text = (negative ? "-" : string.Empty) + integer + (fraction.Length > 0 ? "." + fraction : string.Empty) + suffix;
            var (decimalExponent, binaryExponent) = suffix switch
            {
                ['e', ..] => (int.Parse(suffix[1..], CultureInfo.InvariantCulture), 0),
                [_, 'i'] => (0, 10 * ("KMGTPE".IndexOf(suffix[0], StringComparison.Ordinal) + 1)),
                _ => (DecimalSIExponents[suffix], 0),
            };

            var scaled = BigInteger.Parse("0" + integer + fraction, CultureInfo.InvariantCulture) << binaryExponent;
            var power = decimalExponent - fraction.Length + 9;
            BigInteger nanos;
            if (power >= 0)
            {
                nanos = scaled * BigInteger.Pow(10, power);
            }
            else
            {
                nanos = BigInteger.DivRem(scaled, BigInteger.Pow(10, -power), out var remainder);
                if (!remainder.IsZero)
                {
                    nanos += 1;
                }
            }

            return new LongDigitQuantity(text, negative ? -nanos : nanos);
        }

        private static WrittenQuantity Write(int mantissa, int fractionDigits, string suffix, decimal multiplier, bool explicitPlus)
        {
            var number = new decimal(Math.Abs(mantissa), 0, 0, mantissa < 0, (byte)fractionDigits);
            var digits = number.ToString(CultureInfo.InvariantCulture);
            var text = (explicitPlus && mantissa >= 0 ? "+" : string.Empty) + digits + suffix;
            var exact = number * multiplier;
            var mode = exact < 0 ? MidpointRounding.ToNegativeInfinity : MidpointRounding.ToPositiveInfinity;
            return new WrittenQuantity(text, decimal.Round(exact, 9, mode));
        }
    }

    private sealed record WrittenQuantity(string Text, decimal ExpectedValue);

    private sealed record LongDigitQuantity(string Text, BigInteger ExpectedNanos);
}
