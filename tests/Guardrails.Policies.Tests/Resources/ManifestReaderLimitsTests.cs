using System.Text;
using Guardrails.Policies.Resources;

namespace Guardrails.Policies.Tests.Resources;

/// <summary>Hostile nesting, alias bombs and document floods are refused by name before any recursive work.</summary>
public sealed class ManifestReaderLimitsTests
{
    private const string Pod = "apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec: { containers: [{ name: a, image: nginx }] }\n";

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private static Manifest Single(string text, ManifestFormat format = ManifestFormat.Sniff)
    {
        var manifests = ManifestReader.Read(text, format);
        return manifests.ShouldHaveSingleItem();
    }

    [Fact]
    public void Yaml_flow_sequences_35000_deep_are_refused_naming_the_limit_not_a_stack_overflow()
    {
        using var manifest = Single(Nested(35_000), ManifestFormat.Yaml);

        manifest.Error.ShouldBe("document nests deeper than 128 levels (the limit) at line 1");
    }

    [Theory]
    [InlineData(65)]
    [InlineData(129)]
    [InlineData(20_000)]
    public void Yaml_nested_past_the_limit_inside_an_object_is_invalid_input(int depth)
    {
        using var manifest = Single($"apiVersion: v1\nkind: ConfigMap\nmetadata: {{ name: c }}\ndata: {{ x: {Nested(depth)} }}\n", ManifestFormat.Yaml);

        if (depth + 2 <= ReadLimits.MaxDepth)
        {
            manifest.Error.ShouldBeNull();
            manifest.Kind.ShouldBe("ConfigMap");
        }
        else
        {
            manifest.Error!.ShouldContain("nests deeper than 128 levels");
        }
    }

    [Theory]
    [InlineData(ManifestFormat.Json)]
    [InlineData(ManifestFormat.Yaml)]
    public void A_list_item_nested_100_deep_is_read_like_any_object(ManifestFormat format)
    {
        var item = $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"x":{{{Nested(100)}}}}}""";
        using var manifest = Single($$$"""{"apiVersion":"v1","kind":"List","items":[{{{item}}}]}""", format);

        manifest.Error.ShouldBeNull();
        manifest.Kind.ShouldBe("ConfigMap");
    }

    [Fact]
    public void Json_nested_past_the_limit_is_invalid_naming_the_limit()
    {
        using var manifest = Single($$$"""{"apiVersion":"v1","kind":"ConfigMap","data":{{{Nested(200)}}}}""");

        manifest.Error!.ShouldContain("nest at most 128 levels");
    }

    [Fact]
    public void An_alias_bomb_is_refused_naming_the_node_limit()
    {
        var yaml = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 9; i++)
        {
            yaml.Append(CultureInfo($"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n"));
        }

        using var manifest = Single(yaml.ToString(), ManifestFormat.Yaml);

        manifest.Error.ShouldBe("document has more than 1000000 nodes once aliases are expanded (the limit)");
    }

    [Fact]
    public void A_small_text_multiplied_by_aliases_is_refused_as_excessive_aliasing()
    {
        var yaml = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\na0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 6; i++)
        {
            yaml.Append(CultureInfo($"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n"));
        }

        using var manifest = Single(yaml.ToString(), ManifestFormat.Yaml);

        manifest.Error!.ShouldBe("document expands to 672608 nodes from 20 distinct ones through aliases (excessive aliasing: at most 10× beyond 50000 nodes)");
    }

    [Fact]
    public void Ordinary_anchors_and_aliases_are_expanded()
    {
        using var manifest = Single("apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, labels: &l { app: web } }\ndata: { copy: *l }\n", ManifestFormat.Yaml);

        manifest.Error.ShouldBeNull();
        manifest.Root.GetProperty("data").GetProperty("copy").GetProperty("app").GetString().ShouldBe("web");
    }

    [Fact]
    public void Aliases_that_nest_deeper_than_the_text_are_bounded_too()
    {
        var yaml = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\nd0: &d0 " + Nested(100) + "\n");
        yaml.Append("d1: &d1 " + new string('[', 100) + "*d0" + new string(']', 100) + "\n");

        using var manifest = Single(yaml.ToString(), ManifestFormat.Yaml);

        manifest.Error.ShouldBe("document nests deeper than 128 levels (the limit) once aliases are expanded");
    }

    [Fact]
    public void More_documents_than_the_limit_are_refused_by_name()
    {
        var text = string.Join("---\n", Enumerable.Repeat(Pod, ReadLimits.MaxDocuments + 1));

        var yaml = ManifestReader.Read(text, ManifestFormat.Yaml);
        var json = ManifestReader.Read("[" + string.Join(",", Enumerable.Repeat("""{"apiVersion":"v1","kind":"Pod"}""", ReadLimits.MaxDocuments + 5)) + "]", ManifestFormat.Json);

        yaml.ShouldHaveSingleItem().Error.ShouldBe("more than 1000 documents (the limit per request or file); split the input");
        json.Count.ShouldBe(ReadLimits.MaxDocuments + 1);
        json[^1].Error.ShouldBe("more than 1000 documents or list items (the limit per request or file); split the input");
        foreach (var manifest in json)
        {
            manifest.Dispose();
        }
    }

    [Fact]
    public void A_streamed_file_may_hold_more_documents_than_a_body_read_whole()
    {
        var text = string.Join("---\n", Enumerable.Repeat(Pod, 10_000));

        var count = 0;
        foreach (var manifest in ManifestReader.Stream(text, ManifestFormat.Yaml))
        {
            using (manifest)
            {
                manifest.Error.ShouldBeNull();
                manifest.Number.ShouldBe(++count);
            }
        }

        count.ShouldBe(10_000);
        ManifestReader.Read(text, ManifestFormat.Yaml).ShouldHaveSingleItem().Error.ShouldBe("more than 1000 documents (the limit per request or file); split the input");
    }

    [Fact]
    public void A_stream_past_its_cap_ends_with_one_refusal()
    {
        var text = string.Join("---\n", Enumerable.Repeat(Pod, 12));

        var manifests = ManifestReader.Stream(text, ManifestFormat.Yaml, maxDocuments: 10).ToList();

        manifests.Count.ShouldBe(11);
        manifests[^1].Error.ShouldBe("more than 10 documents or list items (the limit per request or file); split the input");
        manifests[^1].Number.ShouldBe(11);
        foreach (var manifest in manifests)
        {
            manifest.Dispose();
        }
    }

    [Fact]
    public void A_yaml_flow_mapping_is_read_as_yaml_when_the_format_says_yaml()
    {
        using var manifest = Single("{apiVersion: v1, kind: Pod, metadata: {name: flow}, spec: {containers: [{name: a, image: nginx}]}}", ManifestFormat.Yaml);

        manifest.Error.ShouldBeNull();
        manifest.Name.ShouldBe("flow");
    }

    [Fact]
    public void A_lone_surrogate_escape_in_a_top_level_key_does_not_hide_the_other_keys()
    {
        using var manifest = Single("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"\ud800":1}""", ManifestFormat.Json);

        manifest.Error.ShouldBeNull();
        manifest.Kind.ShouldBe("Pod");
        manifest.Name.ShouldBe("p");
    }

    [Fact]
    public void A_mapping_used_as_a_key_is_invalid_not_stringified()
    {
        using var manifest = Single("apiVersion: v1\nkind: ConfigMap\n? { a: b }\n: value\n", ManifestFormat.Yaml);

        manifest.Error!.ShouldContain("a mapping key must be a string, not a mapping");
    }

    private static string CultureInfo(FormattableString text) => FormattableString.Invariant(text);
}
