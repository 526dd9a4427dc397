using System.Text.Json.Nodes;
using Guardrails.Policies.Patching;

namespace Guardrails.Policies.Tests.Patching;

/// <summary>Examples from RFC 6902 appendix A.</summary>
public sealed class JsonPatchTests
{
    [Theory]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/baz","value":"qux"}]""", """{"foo":"bar","baz":"qux"}""")]
    [InlineData("""{"foo":["bar","baz"]}""", """[{"op":"add","path":"/foo/1","value":"qux"}]""", """{"foo":["bar","qux","baz"]}""")]
    [InlineData("""{"baz":"qux","foo":"bar"}""", """[{"op":"remove","path":"/baz"}]""", """{"foo":"bar"}""")]
    [InlineData("""{"baz":"qux","foo":"bar"}""", """[{"op":"replace","path":"/baz","value":"boo"}]""", """{"baz":"boo","foo":"bar"}""")]
    [InlineData("""{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}""", """[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]""", """{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}""")]
    [InlineData("""{"foo":["bar"]}""", """[{"op":"add","path":"/foo/-","value":["abc","def"]}]""", """{"foo":["bar",["abc","def"]]}""")]
    [InlineData("""{"/":9,"~1":10}""", """[{"op":"add","path":"/~01","value":11}]""", """{"/":9,"~1":11}""")]
    public void Applies_rfc_6902_examples(string document, string patch, string expected)
    {
        var operations = JsonNode.Parse(patch)!.AsArray().Select(Parse).ToArray();

        var result = new JsonPatch(operations).Apply(JsonNode.Parse(document));

        JsonNode.DeepEquals(result, JsonNode.Parse(expected)).ShouldBeTrue(result!.ToJsonString());
        JsonNode.DeepEquals(JsonNode.Parse(new JsonPatch(operations).ToString()), JsonNode.Parse(patch)).ShouldBeTrue();
    }

    [Fact]
    public void Adding_under_a_missing_parent_fails_as_rfc_6902_requires()
    {
        Should.Throw<JsonPatchException>(() =>
            new JsonPatch([PatchOperation.Add("/a/b", JsonValue.Create(1))]).Apply(JsonNode.Parse("{}")));
    }

    private static PatchOperation Parse(JsonNode? node)
    {
        var op = node!["op"]!.GetValue<string>();
        var path = node["path"]!.GetValue<string>();
        return op switch
        {
            "add" => PatchOperation.Add(path, node["value"]?.DeepClone()),
            "remove" => PatchOperation.Remove(path),
            "replace" => PatchOperation.Replace(path, node["value"]?.DeepClone()),
            "move" => PatchOperation.Move(node["from"]!.GetValue<string>(), path),
            _ => throw new InvalidOperationException(op),
        };
    }
}
