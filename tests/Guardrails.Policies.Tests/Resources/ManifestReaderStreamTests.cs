using Guardrails.Policies.Resources;

namespace Guardrails.Policies.Tests.Resources;

/// <summary>Streaming reads the same documents as reading whole: a JSON array's items read in place, a List unwrapped.</summary>
public sealed class ManifestReaderStreamTests
{
    private const string Json = """
        [
          {"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","namespace":"team-a"},"spec":{"containers":[{"name":"c","image":"nginx:1.2"}]}},
          {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"b"}},
          {"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}]},
          7
        ]
        """;

    [Fact]
    public void Streamed_json_array_items_are_the_items_read_whole()
    {
        var whole = ManifestReader.Read(Json, ManifestFormat.Json);
        var streamed = new List<(int Number, string? Kind, string? Name, string? Namespace, string Group, string? Json, string? Error)>();
        foreach (var manifest in ManifestReader.Stream(Json, ManifestFormat.Json))
        {
            using (manifest)
            {
                streamed.Add((manifest.Number, manifest.Kind, manifest.Name, manifest.Namespace, manifest.Group, manifest.Error is null ? manifest.Root.GetRawText() : null, manifest.Error));
            }
        }

        streamed.Select(s => s.Kind).ShouldBe(["Pod", "Deployment", "ConfigMap", null]);
        streamed.ShouldBe(whole.Select(m => (m.Number, m.Kind, m.Name, m.Namespace, m.Group, m.Error is null ? m.Root.GetRawText() : null, m.Error)).ToList());
        streamed[0].Group.ShouldBe("");
        streamed[1].Group.ShouldBe("apps");
        streamed[0].Namespace.ShouldBe("team-a");
        foreach (var manifest in whole)
        {
            manifest.Dispose();
        }
    }

    [Fact]
    public void A_manifest_read_whole_keeps_its_object_after_the_array_is_freed()
    {
        var whole = ManifestReader.Read(Json, ManifestFormat.Json);

        whole[1].Root.GetProperty("metadata").GetProperty("name").GetString().ShouldBe("b");
        whole[3].Error.ShouldNotBeNull();
    }
}
