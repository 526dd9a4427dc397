using Guardrails.Policies.Engine;
using Guardrails.Policies.Packs;

namespace Guardrails.Policies.Tests.Documents;

/// <summary>
/// The pack reader and the rule parameter reader sit on the shared document helpers: every kind of mistake must still
/// name the file and the line it is on.
/// </summary>
public sealed class PackReaderErrorsTests
{
    private const string File = "packs/team.yaml";

    private static PackError SingleError(string yaml)
    {
        var result = PolicyCompiler.Compile([new PackSource(File, yaml)]);
        result.Policy.ShouldBeNull();
        var error = result.Errors.ShouldHaveSingleItem();
        error.File.ShouldBe(File);
        return error;
    }

    private static int LineOf(string yaml, string marker) =>
        yaml.Split('\n').Select((line, i) => (line, i)).First(x => x.line.Contains(marker, StringComparison.Ordinal)).i + 1;

    private static string Pack(string rules) => $"""
        apiVersion: guardrails.dev/v1alpha1
        kind: RulePack
        metadata:
          name: team
        spec:
          rules:
        {rules}
        """;

    [Fact]
    public void A_pack_field_of_the_wrong_type_names_file_and_line()
    {
        var yaml = Pack("    - id: image-tag\n      enabled: maybe\n");

        var error = SingleError(yaml);

        error.Line.ShouldBe(LineOf(yaml, "enabled: maybe"));
        error.Message.ShouldBe("spec.rules[0].enabled must be true or false, not 'maybe'");
    }

    [Fact]
    public void A_pack_without_its_required_spec_names_file_and_line()
    {
        var error = SingleError("apiVersion: guardrails.dev/v1alpha1\nkind: RulePack\nmetadata:\n  name: team\n");

        error.Line.ShouldBe(1);
        error.Message.ShouldBe("pack has no spec");
    }

    [Fact]
    public void An_unknown_pack_field_names_file_and_line()
    {
        var yaml = Pack("    - id: image-tag\n      mood: Enforce\n");

        var error = SingleError(yaml);

        error.Line.ShouldBe(LineOf(yaml, "mood:"));
        error.Message.ShouldBe("unknown field 'spec.rules[0].mood' (expected one of: enabled, exceptions, id, mode, parameters, scope)");
    }

    [Fact]
    public void Malformed_pack_yaml_names_file_and_line()
    {
        var yaml = Pack("    - id: image-tag\n      parameters: [unclosed\n");

        var error = SingleError(yaml);

        error.Line.ShouldBeGreaterThanOrEqualTo(LineOf(yaml, "unclosed"));
        error.Message.ShouldStartWith("invalid YAML");
    }

    [Fact]
    public void A_parameter_of_the_wrong_type_names_file_and_the_line_of_its_key()
    {
        var yaml = Pack("    - id: quota-fits\n      parameters:\n        countSurge: often\n");

        var error = SingleError(yaml);

        error.Line.ShouldBe(LineOf(yaml, "countSurge"));
        error.Message.ShouldBe("rule 'quota-fits' parameter 'countSurge': 'often' is not true or false");
    }

    [Fact]
    public void A_list_parameter_given_a_nested_list_names_file_and_the_line_of_its_key()
    {
        var yaml = Pack("    - id: image-tag\n      parameters:\n        disallowedTags:\n          - latest\n          - [dev]\n");

        var error = SingleError(yaml);

        error.Line.ShouldBe(LineOf(yaml, "disallowedTags"));
        error.Message.ShouldBe("rule 'image-tag' parameter 'disallowedTags': must be a list of strings");
    }

    [Fact]
    public void An_unknown_parameter_names_file_and_line()
    {
        var yaml = Pack("    - id: quota-fits\n      parameters:\n        countSurges: true\n");

        var error = SingleError(yaml);

        error.Line.ShouldBe(LineOf(yaml, "countSurges"));
        error.Message.ShouldBe("rule 'quota-fits' has no parameter 'countSurges'");
    }
}
