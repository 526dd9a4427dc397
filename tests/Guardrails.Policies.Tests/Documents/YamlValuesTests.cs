using Guardrails.Policies.Documents;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Policies.Tests.Documents;

public sealed class YamlValuesTests
{
    private static YamlMappingNode Root(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    [Theory]
    [InlineData("a: ~", true)]
    [InlineData("a: null", true)]
    [InlineData("a:", true)]
    [InlineData("a: \"null\"", false)]
    [InlineData("a: ''", false)]
    [InlineData("a: x", false)]
    public void Plain_null_is_null_and_a_quoted_null_is_a_string(string yaml, bool isNull) =>
        YamlValues.IsNull(YamlValues.Child(Root(yaml), "a")).ShouldBe(isNull);

    [Fact]
    public void An_absent_key_is_null_and_its_line_is_the_fallback()
    {
        var root = Root("a: 1\nb: 2\n");

        YamlValues.Child(root, "c").ShouldBeNull();
        YamlValues.IsNull(YamlValues.Child(root, "c")).ShouldBeTrue();
        YamlValues.KeyLineOf(root, "c", 42).ShouldBe(42);
    }

    [Fact]
    public void Lines_are_one_based_lines_of_the_key_and_of_the_value()
    {
        var root = Root("a: 1\nb:\n  - x\n");

        YamlValues.KeyLineOf(root, "b", 0).ShouldBe(2);
        YamlValues.LineOf(YamlValues.Child(root, "b")!).ShouldBe(3);
    }

    [Fact]
    public void A_list_of_strings_keeps_its_values_and_hands_back_items_that_are_not_single_values()
    {
        var sequence = (YamlSequenceNode)YamlValues.Child(Root("a:\n  - x\n  - [y]\n  - z\n  - {k: v}\n"), "a")!;
        var rejected = new List<YamlNode>();

        YamlValues.Strings(sequence, rejected).ShouldBe(["x", "z"]);
        rejected.Select(YamlValues.LineOf).ShouldBe([3, 5]);
    }

    [Fact]
    public void A_mapping_of_names_to_values_is_read_and_a_nested_value_names_its_key()
    {
        var good = (YamlMappingNode)YamlValues.Child(Root("m:\n  a: 1\n  b: two\n"), "m")!;
        var bad = (YamlMappingNode)YamlValues.Child(Root("m:\n  a: 1\n  b:\n    c: 2\n"), "m")!;

        YamlValues.StringPairs(good, out var none).ShouldBe(new Dictionary<string, string> { ["a"] = "1", ["b"] = "two" });
        none.ShouldBeNull();
        YamlValues.StringPairs(bad, out var offending).ShouldBeNull();
        ((YamlScalarNode)offending!).Value.ShouldBe("b");
        YamlValues.LineOf(offending).ShouldBe(3);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("False", false)]
    public void Booleans_parse(string text, bool expected)
    {
        YamlValues.TryBool(text, out var value, out var error).ShouldBeTrue();
        value.ShouldBe(expected);
        error.ShouldBeEmpty();
    }

    [Fact]
    public void Bad_values_say_what_the_text_was()
    {
        YamlValues.TryBool("yes", out _, out var boolError).ShouldBeFalse();
        boolError.ShouldBe("'yes' is not true or false");
        YamlValues.TryDecimal("1.5x", out _, out var numberError).ShouldBeFalse();
        numberError.ShouldBe("'1.5x' is not a number");
        YamlValues.TryQuantity("1Gb", out _, out var quantityError).ShouldBeFalse();
        quantityError.ShouldNotBeEmpty();
    }

    [Fact]
    public void Numbers_and_quantities_parse_exactly()
    {
        YamlValues.TryDecimal("0.25", out var number, out _).ShouldBeTrue();
        number.ShouldBe(0.25m);
        YamlValues.TryQuantity("1Gi", out var quantity, out _).ShouldBeTrue();
        YamlValues.TryQuantity("1024Mi", out var same, out _).ShouldBeTrue();
        quantity.CompareTo(same).ShouldBe(0);
    }
}
