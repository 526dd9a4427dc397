using System.Text;
using Guardrails.Policies.Packs;
using Guardrails.Policies.Tests.Packs.Reference;
using Guardrails.Tests;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Policies.Tests.Packs;

/// <summary>
/// Pack files load through the manifest reader's YamlDotNet front end and give what the pre-scan-then-load reader
/// gave: the same documents (nodes, values, lines and columns) and the same errors, over every YAML file here and in
/// ../shared and over damaged copies of the shipped packs.
/// </summary>
public sealed class PackDocumentsAgreeWithReferenceTests
{
    [Fact]
    public void Every_yaml_file_loads_the_same()
    {
        var files = Directory.EnumerateFiles(RepoPaths.Root, "*.y*ml", SearchOption.AllDirectories)
            .Concat(Directory.Exists(RepoPaths.Shared) ? Directory.EnumerateFiles(RepoPaths.Shared, "*.y*ml", SearchOption.AllDirectories) : [])
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .ToList();

        files.Count.ShouldBeGreaterThan(50);
        foreach (var file in files)
        {
            ShouldAgree(file, File.ReadAllText(file));
        }
    }

    [Fact]
    public void Damaged_packs_load_the_same()
    {
        var random = new Random(15);
        var seeds = Directory.EnumerateFiles(RepoPaths.Policies, "*.yaml", SearchOption.AllDirectories).Select(File.ReadAllText).ToList();
        string[] inserts = [" ", "\n", ":", "- ", "#", "'", "\"", "{", "}", "[", "]", ",", "&a ", "*a", "!", "|", "\t", "---\n", "? ", "..."];
        for (var i = 0; i < 1500; i++)
        {
            var text = new StringBuilder(seeds[random.Next(seeds.Count)]);
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(text.Length + 1);
                if (random.Next(3) == 0 && at < text.Length)
                {
                    text.Remove(at, 1);
                }
                else
                {
                    text.Insert(at, inserts[random.Next(inserts.Length)]);
                }
            }

            ShouldAgree("pack.yaml", text.ToString());
        }
    }

    private static void ShouldAgree(string file, string text)
    {
        var source = new PackSource(file, text);
        var expectedErrors = new List<PackError>();
        var actualErrors = new List<PackError>();
        var expected = ReferencePackDocuments.Load(source, expectedErrors).Select(d => Dump(d.RootNode)).ToList();
        var actual = PackDocuments.Load(source, actualErrors).Select(d => Dump(d.RootNode)).ToList();

        actualErrors.ShouldBe(expectedErrors, $"loading {file}:\n{text}");
        actual.ShouldBe(expected, $"loading {file}:\n{text}");
    }

    private static string Dump(YamlNode node) => node switch
    {
        YamlMappingNode mapping => $"{{@{node.Start.Line}:{node.Start.Column} {string.Join(", ", mapping.Children.Select(c => Dump(c.Key) + ": " + Dump(c.Value)))}}}",
        YamlSequenceNode sequence => $"[@{node.Start.Line}:{node.Start.Column} {string.Join(", ", sequence.Children.Select(Dump))}]",
        YamlScalarNode scalar => $"'{scalar.Value}'({scalar.Style},{scalar.Tag})@{node.Start.Line}:{node.Start.Column}",
        _ => node.GetType().Name,
    };
}
