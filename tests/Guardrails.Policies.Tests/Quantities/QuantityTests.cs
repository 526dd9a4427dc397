using System.Globalization;
using Guardrails.Policies.Quantities;

namespace Guardrails.Policies.Tests.Quantities;

public sealed class QuantityTests
{
    [Theory]
    [InlineData("100m", "0.1", "100m")]
    [InlineData("0.5", "0.5", "500m")]
    [InlineData(".5", "0.5", "500m")]
    [InlineData("5.", "5", "5")]
    [InlineData("007", "7", "7")]
    [InlineData("+5", "5", "5")]
    [InlineData("1.5", "1.5", "1500m")]
    [InlineData("3m", "0.003", "3m")]
    [InlineData("-1500m", "-1.5", "-1500m")]
    [InlineData("0.1", "0.1", "100m")]
    [InlineData("0.0001", "0.0001", "100u")]
    [InlineData("1n", "0.000000001", "1n")]
    [InlineData("1000", "1000", "1k")]
    [InlineData("1500", "1500", "1500")]
    [InlineData("1024", "1024", "1024")]
    [InlineData("2000000", "2000000", "2M")]
    [InlineData("1G", "1000000000", "1G")]
    [InlineData("1E", "1000000000000000000", "1E")]
    [InlineData("1000E", "1000000000000000000000", "1000E")]
    [InlineData("1Ki", "1024", "1Ki")]
    [InlineData("512Ki", "524288", "512Ki")]
    [InlineData("1024Ki", "1048576", "1Mi")]
    [InlineData("1000Mi", "1048576000", "1000Mi")]
    [InlineData("1536Mi", "1610612736", "1536Mi")]
    [InlineData("1Gi", "1073741824", "1Gi")]
    [InlineData("1.5Gi", "1610612736", "1536Mi")]
    [InlineData("-1Gi", "-1073741824", "-1Gi")]
    [InlineData("1Ei", "1152921504606846976", "1Ei")]
    [InlineData("1.5Ki", "1536", "1536")]
    [InlineData("0.5Ki", "512", "512")]
    [InlineData("0.1Ki", "102.4", "102400m")]
    [InlineData("1e3", "1000", "1e3")]
    [InlineData("1E3", "1000", "1e3")]
    [InlineData("12e+2", "1200", "1200")]
    [InlineData("1E10", "10000000000", "10e9")]
    [InlineData("1e-3", "0.001", "1e-3")]
    [InlineData("1.5E-3", "0.0015", "1500e-6")]
    [InlineData("79228162514264337593543950335", "79228162514264337593543950335", "79228162514264337593543950335")]
    [InlineData("12345678901234567890.123456789", "12345678901234567890.123456789", "12345678901234567890123456789n")]
    public void Parses_and_prints_the_canonical_form(string text, string expectedValue, string expectedCanonical)
    {
        var quantity = Quantity.Parse(text);

        quantity.Value.ShouldBe(decimal.Parse(expectedValue, CultureInfo.InvariantCulture));
        quantity.ToString().ShouldBe(expectedCanonical);
    }

    [Theory]
    [InlineData("0.0000000001", "0.000000001", "1n")]
    [InlineData("-0.0000000001", "-0.000000001", "-1n")]
    [InlineData("1.0000000001", "1.000000001", "1000000001n")]
    [InlineData("0.123456789123456789", "0.12345679", "123456790n")]
    [InlineData("1e-12", "0.000000001", "1e-9")]
    [InlineData("1e-1000000000000", "0.000000001", "1e-9")]
    [InlineData("1.0000000001Ki", "1024.000000103", "1024000000103n")]
    public void Rounds_precision_finer_than_a_nano_away_from_zero(string text, string expectedValue, string expectedCanonical)
    {
        var quantity = Quantity.Parse(text);

        quantity.Value.ShouldBe(decimal.Parse(expectedValue, CultureInfo.InvariantCulture));
        quantity.ToString().ShouldBe(expectedCanonical);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("+0.000")]
    [InlineData("0Gi")]
    [InlineData("0e10")]
    [InlineData("0e-1000")]
    public void Parses_every_spelling_of_zero_as_zero(string text)
    {
        var quantity = Quantity.Parse(text);

        quantity.IsZero.ShouldBeTrue();
        quantity.ShouldBe(Quantity.Zero);
        quantity.ToString().ShouldBe("0");
    }

    [Theory]
    [InlineData("", "value is empty")]
    [InlineData(" ", "must not contain whitespace")]
    [InlineData(" 1Gi", "must not contain whitespace")]
    [InlineData("1Gi ", "must not contain whitespace")]
    [InlineData("1 Gi", "must not contain whitespace")]
    [InlineData("1.2.3", "malformed number")]
    [InlineData("5..", "malformed number")]
    [InlineData("Gi", "must start with a number")]
    [InlineData("--1", "must start with a number")]
    [InlineData("-", "must start with a number")]
    [InlineData("+", "must start with a number")]
    [InlineData(".", "must start with a number")]
    [InlineData("NaN", "must start with a number")]
    [InlineData("Infinity", "must start with a number")]
    [InlineData("\u0661", "must start with a number")]
    [InlineData("1Gb", "unknown suffix 'Gb'")]
    [InlineData("1e", "unknown suffix 'e'")]
    [InlineData("0x10", "unknown suffix 'x10'")]
    [InlineData("1K", "unknown suffix 'K'")]
    [InlineData("1gi", "unknown suffix 'gi'")]
    [InlineData("1KiB", "unknown suffix 'KiB'")]
    [InlineData("1mm", "unknown suffix 'mm'")]
    [InlineData("1_000", "unknown suffix '_000'")]
    [InlineData("1e+", "invalid exponent 'e+'")]
    [InlineData("1e1.5", "invalid exponent 'e1.5'")]
    [InlineData("1e3Gi", "invalid exponent 'e3Gi'")]
    [InlineData("1e29", "too large")]
    [InlineData("1E100", "too large")]
    [InlineData("1e1000000000000", "too large")]
    [InlineData("100000000000000000000000000000", "too large")]
    [InlineData("79228162514264337593543950336", "too large")]
    [InlineData("80000000000E", "too large")]
    [InlineData("100000000000Ei", "too large")]
    [InlineData("100000000000000000000.000000001", "too many significant digits")]
    public void Rejects_invalid_text_with_a_reason(string text, string reason)
    {
        Quantity.TryParse(text, out var quantity, out var error).ShouldBeFalse();

        error.ShouldStartWith($"'{text}' is not a valid quantity: ");
        error.ShouldContain(reason);
        quantity.ShouldBe(Quantity.Zero);
        Quantity.TryParse(text.AsSpan(), out _).ShouldBeFalse();
        Should.Throw<QuantityFormatException>(() => Quantity.Parse(text)).Message.ShouldBe(error);
    }

    [Fact]
    public void Explains_an_unknown_suffix_with_the_suffixes_to_use()
    {
        Quantity.TryParse("12Gb", out _, out var error).ShouldBeFalse();

        error.ShouldBe("'12Gb' is not a valid quantity: unknown suffix 'Gb' (use Gi, G, Mi, M, Ki, k, m, ...)");
    }

    [Fact]
    public void Treats_null_as_empty_without_throwing()
    {
        Quantity.TryParse(null, out _, out var error).ShouldBeFalse();

        error.ShouldBe("'' is not a valid quantity: value is empty");
        Should.Throw<ArgumentNullException>(() => Quantity.Parse(null!));
    }

    [Fact]
    public void Truncates_very_long_input_in_the_error()
    {
        var text = new string('9', 10_000) + "x";

        Quantity.TryParse(text, out _, out var error).ShouldBeFalse();

        error.Length.ShouldBeLessThan(200);
        error.ShouldContain("...");
    }

    [Fact]
    public void Succeeds_through_the_error_reporting_overload()
    {
        Quantity.TryParse("250m", out var quantity, out var error).ShouldBeTrue();

        error.ShouldBeNull();
        quantity.Value.ShouldBe(0.25m);
    }

    [Fact]
    public void Treats_1Gi_1024Mi_and_1073741824_as_equal()
    {
        var gibibyte = Quantity.Parse("1Gi");
        var mebibytes = Quantity.Parse("1024Mi");
        var bytes = Quantity.Parse("1073741824");

        (gibibyte == mebibytes).ShouldBeTrue();
        (mebibytes == bytes).ShouldBeTrue();
        gibibyte.Equals(bytes).ShouldBeTrue();
        gibibyte.Equals((object)bytes).ShouldBeTrue();
        gibibyte.GetHashCode().ShouldBe(bytes.GetHashCode());
        gibibyte.CompareTo(bytes).ShouldBe(0);
        (gibibyte != bytes).ShouldBeFalse();
    }

    [Fact]
    public void Keeps_equal_values_with_different_scales_equal_and_hashed_alike()
    {
        var plain = Quantity.Parse("1");
        var milli = Quantity.Parse("1000m");
        var padded = new Quantity(1.000m);

        plain.ShouldBe(milli);
        plain.ShouldBe(padded);
        plain.GetHashCode().ShouldBe(milli.GetHashCode());
        plain.GetHashCode().ShouldBe(padded.GetHashCode());
    }

    [Fact]
    public void Orders_by_value_across_suffixes()
    {
        var ordered = new[] { "-1Gi", "-1", "0", "1n", "500m", "1", "1k", "1Ki", "1M", "1Mi", "1e9", "1Gi" }
            .Select(Quantity.Parse)
            .ToArray();

        for (var i = 1; i < ordered.Length; i++)
        {
            (ordered[i - 1] < ordered[i]).ShouldBeTrue();
            (ordered[i - 1] <= ordered[i]).ShouldBeTrue();
            (ordered[i] > ordered[i - 1]).ShouldBeTrue();
            (ordered[i] >= ordered[i - 1]).ShouldBeTrue();
            ordered[i - 1].CompareTo(ordered[i]).ShouldBeLessThan(0);
        }
    }

    [Fact]
    public void Adds_and_subtracts_exactly_keeping_the_left_format()
    {
        var sum = Quantity.Parse("1Gi") + Quantity.Parse("512Mi");
        var difference = Quantity.Parse("1") - Quantity.Parse("1500m");

        sum.Value.ShouldBe(1610612736m);
        sum.ToString().ShouldBe("1536Mi");
        difference.ToString().ShouldBe("-500m");
        (Quantity.Parse("100m") + Quantity.Parse("200m")).ToString().ShouldBe("300m");
    }

    [Fact]
    public void Takes_the_format_of_the_right_side_when_adding_to_zero()
    {
        var total = Quantity.Zero + Quantity.Parse("2Gi");

        total.Format.ShouldBe(QuantityFormat.BinarySI);
        total.ToString().ShouldBe("2Gi");
    }

    [Fact]
    public void Subtracting_a_value_from_itself_gives_zero()
    {
        var difference = Quantity.Parse("1k") - Quantity.Parse("1000");

        difference.IsZero.ShouldBeTrue();
        difference.ToString().ShouldBe("0");
    }

    [Fact]
    public void Multiplies_by_a_whole_factor()
    {
        (Quantity.Parse("100m") * 3).ToString().ShouldBe("300m");
        (Quantity.Parse("512Mi") * 4).ToString().ShouldBe("2Gi");
        (Quantity.Parse("1") * -2).ToString().ShouldBe("-2");
    }

    [Fact]
    public void Throws_overflow_when_arithmetic_leaves_the_decimal_range()
    {
        var largest = Quantity.Parse("79228162514264337593543950335");

        Should.Throw<OverflowException>(() => largest + Quantity.Parse("1"));
        Should.Throw<OverflowException>(() => largest * 2);
        Should.Throw<OverflowException>(() => Quantity.Parse("1n") * long.MaxValue * long.MaxValue);
    }

    [Fact]
    public void Refuses_to_round_a_sum_that_needs_more_digits_than_decimal_holds()
    {
        var large = Quantity.Parse("1000E");
        var tiny = Quantity.Parse("1n");

        Should.Throw<OverflowException>(() => large + tiny);
        Should.Throw<OverflowException>(() => large - tiny);
        (large + Quantity.Parse("1")).Value.ShouldBe(1_000_000_000_000_000_000_001m);
    }

    [Fact]
    public void Reports_the_suffix_family_of_the_input()
    {
        Quantity.Parse("1Gi").Format.ShouldBe(QuantityFormat.BinarySI);
        Quantity.Parse("1G").Format.ShouldBe(QuantityFormat.DecimalSI);
        Quantity.Parse("1").Format.ShouldBe(QuantityFormat.DecimalSI);
        Quantity.Parse("1e3").Format.ShouldBe(QuantityFormat.DecimalExponent);
    }

    [Fact]
    public void Demotes_binary_values_below_one_to_decimal_like_Kubernetes()
    {
        var quantity = Quantity.Parse("0.0001Ki");

        quantity.Value.ShouldBe(0.1024m);
        quantity.Format.ShouldBe(QuantityFormat.DecimalSI);
        quantity.ToString().ShouldBe("102400u");
    }

    [Fact]
    public void Prints_non_whole_binary_values_in_decimal_form()
    {
        var quantity = Quantity.Parse("0.001Ki");

        quantity.Format.ShouldBe(QuantityFormat.BinarySI);
        quantity.ToString().ShouldBe("1024m");
    }

    [Theory]
    [InlineData("1500", QuantityFormat.DecimalExponent, "1500")]
    [InlineData("1000000000000000000000", QuantityFormat.DecimalExponent, "1e21")]
    [InlineData("1000000000000000000000", QuantityFormat.DecimalSI, "1000E")]
    [InlineData("1610612736", QuantityFormat.BinarySI, "1536Mi")]
    [InlineData("1180591620717411303424", QuantityFormat.BinarySI, "1024Ei")]
    [InlineData("1023", QuantityFormat.BinarySI, "1023")]
    [InlineData("-1024", QuantityFormat.BinarySI, "-1Ki")]
    [InlineData("0.0000000001", QuantityFormat.DecimalSI, "1n")]
    [InlineData("-0.0000000001", QuantityFormat.DecimalSI, "-1n")]
    [InlineData("0.000", QuantityFormat.BinarySI, "0")]
    public void Formats_constructed_values_canonically(string value, QuantityFormat format, string expected)
    {
        var quantity = new Quantity(decimal.Parse(value, CultureInfo.InvariantCulture), format);

        quantity.ToString().ShouldBe(expected);
        Quantity.Parse(expected).ShouldBe(quantity);
    }

    [Fact]
    public void Rejects_an_undefined_format()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new Quantity(1m, (QuantityFormat)42));
    }

    [Fact]
    public void Defaults_to_zero_in_decimal_form()
    {
        var quantity = default(Quantity);

        quantity.ShouldBe(Quantity.Zero);
        quantity.Format.ShouldBe(QuantityFormat.DecimalSI);
        quantity.ToString().ShouldBe("0");
    }

    [Fact]
    public void Parses_spans_without_allocating_on_success_or_failure()
    {
        string[] inputs = ["1.5Gi", "100m", "1e-12", "79228162514264337593543950335", "12Gb", "1e29", ""];
        foreach (var input in inputs)
        {
            Quantity.TryParse(input.AsSpan(), out _);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            foreach (var input in inputs)
            {
                Quantity.TryParse(input.AsSpan(), out _);
            }
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }

    [Fact]
    public void Parses_from_a_span_without_a_string()
    {
        ReadOnlySpan<char> text = "limits: 250m".AsSpan(8);

        Quantity.TryParse(text, out var quantity).ShouldBeTrue();

        quantity.Value.ShouldBe(0.25m);
    }
}
