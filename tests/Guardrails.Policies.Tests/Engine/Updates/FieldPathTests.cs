using Guardrails.Policies.Engine.Updates;
using Guardrails.Policies.Tests.Support;

namespace Guardrails.Policies.Tests.Engine.Updates;

public sealed class FieldPathTests
{
    private static readonly System.Text.Json.JsonElement Old = Policy.Json("""
        { "spec": { "containers": [ { "name": "app", "image": "a:1" } ] }, "metadata": { "annotations": { "x.io/y": "v" } } }
        """);

    private static readonly System.Text.Json.JsonElement New = Policy.Json("""
        { "spec": { "containers": [ { "name": "proxy", "image": "p:1" }, { "name": "app", "image": "a:1" } ] } }
        """);

    [Theory]
    [InlineData("spec.containers[0].image", "a:1")]
    [InlineData("metadata.annotations['x.io/y']", "v")]
    [InlineData("spec.containers[3].image", null)]
    public void Resolves_a_violations_dotted_path(string path, string? value)
    {
        var resolved = FieldPath.FromDotted(path).ShouldNotBeNull().Resolve(Old);

        (resolved.ValueKind == System.Text.Json.JsonValueKind.String ? resolved.GetString() : null).ShouldBe(value);
    }

    [Theory]
    [InlineData("spec.containers[")]
    [InlineData("spec.containers[x]")]
    [InlineData("")]
    public void Refuses_what_is_not_a_path(string path)
    {
        FieldPath.FromDotted(path).ShouldBeNull();
    }

    [Fact]
    public void Matches_list_items_by_name_not_position()
    {
        var before = FieldPath.FromDotted("spec.containers[0].image")!;
        var after = FieldPath.FromDotted("spec.containers[1].image")!;

        after.SameFieldAndValue(New, before, Old).ShouldBeTrue();
        before.SameFieldAndValue(New, before, Old).ShouldBeFalse();
        after.Identity(New).ShouldBe(".spec.containers[name=app].image");
    }

    [Fact]
    public void A_pointer_and_a_dotted_path_name_the_same_field()
    {
        FieldPath.FromPointer("/spec/containers/1/image").Identity(New).ShouldBe(FieldPath.FromDotted("spec.containers[1].image")!.Identity(New));
        FieldPath.FromPointer("/metadata/annotations/x.io~1y").Resolve(Old).GetString().ShouldBe("v");
    }
}
