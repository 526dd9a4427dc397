using System.Text;
using System.Text.Json.Nodes;
using Guardrails.Policies.Resources;
using Guardrails.Policies.Tests.Resources.Reference;
using Guardrails.Tests;

namespace Guardrails.Policies.Tests.Resources;

/// <summary>
/// The streaming YAML reader gives exactly what the representation-model reader gave — the same documents, numbers,
/// lines, JSON and error messages (line, column and offset) — over every YAML file in the repository and in
/// ../shared, over YAML that uses what the fast path leaves to YamlDotNet, and over thousands of damaged copies.
/// </summary>
public sealed class StreamingReaderAgreesWithReferenceTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in CorpusFiles())
        {
            data.Add(Path.GetRelativePath(RepoPaths.Root, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_yaml_file_reads_the_same(string file)
    {
        ShouldAgree(File.ReadAllText(Path.Combine(RepoPaths.Root, file)));
    }

    [Theory]
    [InlineData("a: yes\nb: no\nc: on\nd: off\ne: y\nf: Yes\n")]
    [InlineData("a: 012\nb: 0o17\nc: 0x1F\nd: .inf\ne: -.inf\nf: .nan\ng: 1e3\nh: +1\ni: -0\nj: 1.5\nk: 1.\nl: 1_000\nm: 00\n")]
    [InlineData("a: '1'\nb: \"true\"\nc: 'it''s'\nd: \"\"\ne: ''\nf: ~\ng: null\nh: Null\ni: NULL\nj: nULL\nk: TRUE\nl: tRUE\n")]
    [InlineData("a:\nb: c\nd:\n  - x\n  -  y\ne:\n- z\nf: { }\ng: [ ]\nh: {a: , b: 1}\n")]
    [InlineData("base: &b { cpu: 1 }\nother:\n  <<: *b\n  memory: 2\n")]
    [InlineData("a: 1\na: 2\n")]
    [InlineData("a: { x: 1, x: 2 }\n")]
    [InlineData("'a': 1\n\"a\": 2\n")]
    [InlineData("'it''s': 1\n\"it's\": 2\n")]
    [InlineData("a: {'it''s': 1, \"it's\": 2}\nb: {'x''y': 1}\n")]
    [InlineData("'a''b': 1\na''b: 2\n")]
    [InlineData("a: !!str 1\nb: !!int 2\nc: !custom x\nd: !!binary aGk=\n")]
    [InlineData("a: |\n  line one\n  line two\nb: >-\n  folded\n  text\n")]
    [InlineData("a: plain\n  continued\nb: 'quoted\n  continued'\nc: \"esc\\taped\\u00e9\"\n")]
    [InlineData("a: b: c\n")]
    [InlineData("a:\n\tb: c\n")]
    [InlineData("a: 1\r\nb:\r\n  - 2\r\n")]
    [InlineData("\uFEFFa: 1\n")]
    [InlineData("%YAML 1.2\n---\na: 1\n...\n---\nb: 2\n")]
    [InlineData("a: 1\n...\nb: 2\n")]
    [InlineData("--- a: 1\n--- b\n---\n- c\n--- |\n  text\n")]
    [InlineData("# only a comment\n")]
    [InlineData("")]
    [InlineData("---\n---\n---\n")]
    [InlineData("# c\n---\na: 1\n---\n# c\n---\nb: 2\n---\n")]
    [InlineData("? complex\n: key\n? [a, b]\n: seq\n")]
    [InlineData("- a: 1\n  b: 2\n- c: 3\n- 4\n- [5]\n")]
    [InlineData("a:\n  - b: 1\n    c:\n    - d\n    - e: f\n      g: h\n  - i\nj: k\n")]
    [InlineData("a: x # comment\nb: 'y' # c\nc: [1, 2] # c\nd: x#y\ne: 'a # b'\n  # indented comment\nf: g\n")]
    [InlineData("a: [1, [2, [3]], {b: c}]\nb: { c: [d, e], 'f': \"g\" }\n")]
    [InlineData("a: [1, 2\nb: 3\n")]
    [InlineData("a: {b: c\n  , d: e}\n")]
    [InlineData("a: 'unterminated\n")]
    [InlineData("a: \"é ü 中文 😀\"\nb: é\nc: 中文\n")]
    [InlineData("a: -\nb: - c\nc: -1\nd: -x\ne: ?x\nf: :x\n")]
    [InlineData("key with spaces: v\nk.e/y-1: v\n\"quoted key\": v\n'': empty\n")]
    [InlineData("  a: 1\n  b: 2\n")]
    [InlineData("a: 1\n b: 2\n")]
    [InlineData("a:\n  b: 1\n c: 2\n")]
    [InlineData("- - a\n  - b\n-\n  c: d\n")]
    [InlineData("a: *undefined\n")]
    [InlineData("a: &x 1\nb: &x 2\nc: *x\n")]
    [InlineData("a: [a:b, c]\nb: {c:d}\nc: [a: b]\n")]
    [InlineData("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: b}\n")]
    [InlineData("apiVersion: v1\nkind: Pod\n---\njust a scalar\n---\n- apiVersion: v1\n  kind: Pod\n---\n[1, 2]\n---\napiVersion: v1\nkind: Pod\n")]
    [InlineData("a: 1\n---\nb: {\n---\nc: 3\n")]
    [InlineData("a: 1\n----\nb: 2\n---x\nc: 3\n")]
    [InlineData("a: 1\n---\t\nb: 2\n")]
    [InlineData("a: \u0085b\nc: \u2028\n")]
    [InlineData("a: 1 \nb: 'x'  \nc:   d   \n")]
    [InlineData("a: \"x\" y\nb: 'x' y\nc: [x] y\n")]
    [InlineData("a: [x, ]\nb: {a: 1, }\nc: [, x]\n")]
    public void Yaml_the_fast_path_leaves_alone_reads_the_same(string text)
    {
        ShouldAgree(text);
    }

    [Fact]
    public void Thousands_of_damaged_manifests_read_the_same()
    {
        var random = new Random(15);
        var seeds = CorpusFiles().Select(File.ReadAllText).Where(t => t.Length is > 0 and < 4000).Take(60).ToList();
        string[] inserts = [" ", "  ", "\n", ":", ": ", "- ", "-", "#", " #", "'", "\"", "{", "}", "[", "]", ",", "&a ", "*a", "!", "|", ">", "\t", "---\n", "? ", "\r\n", "yes", "0x1", "1e3", "~", "\\", "%", "@", "é", "\n---\n"];
        var compared = 0;
        for (var i = 0; i < 3000; i++)
        {
            var text = new StringBuilder(seeds[random.Next(seeds.Count)]);
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(text.Length + 1);
                switch (random.Next(3))
                {
                    case 0 when at < text.Length:
                        text.Remove(at, 1);
                        break;
                    default:
                        text.Insert(at, inserts[random.Next(inserts.Length)]);
                        break;
                }
            }

            compared += ShouldAgree(text.ToString()) ? 1 : 0;
        }

        // Only the refusals the old reader made for the whole text before reading any of it are not compared.
        compared.ShouldBeGreaterThan(2900);
    }

    private static IEnumerable<string> CorpusFiles()
    {
        string[] roots = [RepoPaths.Root, RepoPaths.Shared];
        return roots.Where(Directory.Exists)
            .SelectMany(root => Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories))
            .Where(f => Path.GetExtension(f) is ".yaml" or ".yml")
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}.git{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
    }

    /// <returns>False when the old reader refused the whole text up front (a pre-scan refusal), which is not compared.</returns>
    private static bool ShouldAgree(string text)
    {
        var expected = Describe(ReferenceManifestReader.Read(text, ManifestFormat.Yaml));
        if (expected.Count == 1 && expected[0].Contains("invalid YAML near line", StringComparison.Ordinal))
        {
            return false;
        }

        var actual = Describe(ManifestReader.Read(text, ManifestFormat.Yaml));
        actual.ShouldBe(expected, $"reading:\n{text}");
        return true;
    }

    private static List<string> Describe(IReadOnlyList<Manifest> manifests)
    {
        try
        {
            return [.. manifests.Select(m => $"#{m.Number} line {m.Line}: {m.Error ?? JsonNode.Parse(m.Root.GetRawText())!.ToJsonString()}")];
        }
        finally
        {
            foreach (var manifest in manifests)
            {
                manifest.Dispose();
            }
        }
    }
}
