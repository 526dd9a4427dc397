using System.Text.Json;
using Guardrails.Policies.Documents;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Policies.Tests.Documents;

/// <summary>The one typed reader under packs, parameters, settings and Environment specs: what it reads, and where it says a problem is.</summary>
public sealed class DocumentReaderTests
{
    private const string File = "policies/team.yaml";

    private readonly List<DocumentError> _errors = [];

    private DocumentMap Read(string yaml, string path = "")
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return new DocumentReader(File, _errors.Add).Map((YamlMappingNode)stream.Documents[0].RootNode, path);
    }

    private DocumentMap ReadJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return new DocumentReader(File, _errors.Add, positioned: false).Map((YamlMappingNode)JsonNodes.From(document.RootElement)!);
    }

    [Fact]
    public void Reads_typed_fields_of_nested_mappings_and_lists()
    {
        var root = Read("""
            spec:
              enabled: false
              rules:
                - id: image-tag
                  tags: [latest, dev]
            """);

        var spec = root.Map("spec")!;
        spec.Bool("enabled").ShouldBe(false);
        var rule = spec.Maps("rules").ShouldHaveSingleItem();
        rule.Path.ShouldBe("spec.rules[0]");
        rule.Scalar("id").ShouldBe("image-tag");
        rule.StringList("tags").ShouldBe(["latest", "dev"]);
        _errors.ShouldBeEmpty();
    }

    [Fact]
    public void A_wrong_value_in_a_nested_mapping_names_file_line_column_and_path()
    {
        var root = Read("""
            spec:
              scope:
                includeSystemNamespaces: sometimes
            """);

        root.Map("spec")!.Map("scope")!.Bool("includeSystemNamespaces").ShouldBeNull();

        var error = _errors.ShouldHaveSingleItem();
        (error.File, error.Line, error.Column, error.Path).ShouldBe((File, 3, 30, "spec.scope.includeSystemNamespaces"));
        error.ToString().ShouldBe("policies/team.yaml:3:30: spec.scope.includeSystemNamespaces must be true or false, not 'sometimes'");
    }

    [Fact]
    public void A_wrong_item_of_a_list_is_reported_on_its_own_line_with_its_index()
    {
        var root = Read("""
            rules:
              - id: a
              - just-a-name
              - id: c
                tags:
                  - ok
                  - [nested]
            """);

        var rules = root.Maps("rules").ToList();
        rules.Select(r => r.Scalar("id")).ShouldBe(["a", "c"]);
        rules[1].StringList("tags").ShouldBe(["ok"]);

        _errors.Select(e => (e.Line, e.Column, e.Sentence)).ShouldBe(
        [
            (3, 5, "rules[1] must be a mapping"),
            (7, 9, "rules[2].tags must be a list of strings"),
        ]);
    }

    [Theory]
    [InlineData("spec: [a]", "spec must be a mapping")]
    [InlineData("spec: ~", "spec must be a mapping")]
    [InlineData("spec: { a: 1 }", null)]
    public void A_mapping_field_refuses_anything_else(string yaml, string? sentence)
    {
        Read(yaml).Map("spec");

        _errors.Select(e => e.Sentence).ShouldBe(sentence is null ? [] : [sentence]);
    }

    [Fact]
    public void An_optional_mapping_may_be_null_and_a_list_must_be_a_list()
    {
        var root = Read("parameters:\nrules: { a: 1 }\nname: [x]\n");

        root.OptionalMap("parameters").ShouldBeNull();
        root.Sequence("rules").ShouldBeNull();
        root.Scalar("name").ShouldBeNull();

        _errors.Select(e => (e.Line, e.Sentence)).ShouldBe([(2, "rules must be a list"), (3, "name must be a single value")]);
    }

    [Theory]
    [InlineData("team: web", "web", null)]
    [InlineData("team: \"7\"", "7", null)]
    [InlineData("team: 7", null, "must be a string, not the number 7")]
    [InlineData("team: 0x1F", null, "must be a string, not the number 0x1F")]
    [InlineData("team: -2.5e3", null, "must be a string, not the number -2.5e3")]
    [InlineData("team: true", null, "must be a string, not the boolean true")]
    [InlineData("team: [a]", null, "must be a string, not a list")]
    [InlineData("team: { a: b }", null, "must be a string, not an object")]
    [InlineData("team: 1.2.3", "1.2.3", null)]
    public void A_string_field_types_its_value_as_JSON_would(string yaml, string? value, string? problem)
    {
        Read(yaml, "spec").String("team").ShouldBe(value);

        _errors.Select(e => (e.Path, e.Problem)).ShouldBe(problem is null ? [] : [("spec.team", problem)]);
    }

    [Fact]
    public void A_required_field_that_is_absent_or_null_is_missing_at_its_mapping()
    {
        var root = Read("other: 1\nspec:\n  name: ~\n");
        var spec = root.Map("spec")!;

        spec.RequiredString("team").ShouldBeNull();
        spec.RequiredString("name").ShouldBeNull();

        _errors.Select(e => (e.Kind, e.Line, e.Path, e.Problem)).ShouldBe(
        [
            (DocumentErrorKind.Missing, 3, "spec.team", "required"),
            (DocumentErrorKind.Missing, 3, "spec.name", "required"),
        ]);
    }

    [Fact]
    public void Fields_nobody_read_are_unknown_at_their_keys_and_the_read_ones_are_listed_sorted()
    {
        var root = Read("spec:\n  rulez: []\n  enabled: true\n  scope: {}\n");
        var spec = root.Map("spec")!;
        spec.Bool("enabled");
        spec.Map("scope");
        spec.Sequence("rules");

        spec.RejectUnknownFields();

        var error = _errors.ShouldHaveSingleItem();
        (error.Kind, error.Line, error.Column).ShouldBe((DocumentErrorKind.Unknown, 2, 3));
        error.Sentence.ShouldBe("unknown field 'spec.rulez' (expected one of: enabled, rules, scope)");
        error.Problem.ShouldBe("unknown field (expected one of: enabled, rules, scope)");
    }

    [Fact]
    public void Fields_outside_a_given_list_are_unknown_before_anything_is_read_and_the_list_keeps_its_order()
    {
        Read("team: a\nsize: large\n", "spec").RejectFieldsOtherThan(["team", "name"]);

        _errors.Select(e => (e.Line, e.Path, e.Problem)).ShouldBe([(2, "spec.size", "unknown field (expected one of: team, name)")]);
    }

    [Fact]
    public void Json_input_reads_with_JSON_types_and_no_positions()
    {
        var root = ReadJson("""{"team": "7", "pods": 7, "members": {"users": ["a", 3]}, "ttl": null}""");

        root.String("team").ShouldBe("7");
        root.String("pods").ShouldBeNull();
        root.StringList("ttl").ShouldBeEmpty();
        YamlValues.StringOrNumberText(root.Field("pods")).ShouldBe("7");
        YamlValues.Describe(((YamlSequenceNode)root.Map("members")!.Field("users")!)[1]).ShouldBe("the number 3");

        _errors.ShouldHaveSingleItem().ToString().ShouldBe("policies/team.yaml: pods must be a string, not the number 7");
        _errors[0].Line.ShouldBe(0);
    }

    [Fact]
    public void Json_text_reads_with_positions_when_YAML_reads_it_alike()
    {
        const string Text = "{\n  \"spec\": {\"team\": 7}\n}";
        using var parsed = JsonDocument.Parse(Text);

        var node = JsonNodes.Positioned(Text, parsed.RootElement).ShouldBeOfType<YamlMappingNode>();
        new DocumentReader(File, _errors.Add).Map(node).Map("spec")!.String("team");

        _errors.ShouldHaveSingleItem().ToString().ShouldBe("policies/team.yaml:2:20: spec.team must be a string, not the number 7");
    }

    [Fact]
    public void Json_text_that_YAML_reads_otherwise_has_no_positioned_reading()
    {
        // System.Text.Json keeps the last of duplicate keys; YAML refuses them.
        const string text = """{"a": 1, "a": 2}""";
        using var parsed = JsonDocument.Parse(text);

        JsonNodes.Positioned(text, parsed.RootElement).ShouldBeNull();
    }

    [Fact]
    public void A_reader_sentence_of_its_own_points_at_the_key_of_its_field()
    {
        var root = Read("exceptions:\n  approval: maybe\n");
        var exceptions = root.Map("exceptions")!;

        exceptions.ReportAtKey("approval", "exceptions.approval must be 'required' or 'none'");
        exceptions.ReportAtKey("maxDuration", "exceptions.maxDuration is required");

        _errors.Select(e => (e.Line, e.Column, e.Kind, e.Sentence)).ShouldBe(
        [
            (2, 3, DocumentErrorKind.Statement, "exceptions.approval must be 'required' or 'none'"),
            (2, 3, DocumentErrorKind.Statement, "exceptions.maxDuration is required"),
        ]);
    }
    [Fact]
    public void Pairs_are_read_as_names_to_values_and_an_entry_that_is_not_one_is_reported_at_its_key()
    {
        var hard = Read("hard:\n  pods: 10\n  cpu: { max: 2 }\n  \"\": 1\n").Map("hard")!;

        hard.Pairs("hard must map resource names to quantities", namesMayBeEmpty: false).Select(p => (p.Name, p.Value)).ShouldBe([("pods", "10")]);

        _errors.Select(e => (e.Line, e.Sentence)).ShouldBe([(3, "hard must map resource names to quantities"), (4, "hard must map resource names to quantities")]);
    }
}
