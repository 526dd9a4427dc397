using Guardrails.Policies.Engine;
using Guardrails.Policies.Resources;
using Guardrails.Policies.Tests.Support;
using Guardrails.Tests;

namespace Guardrails.Policies.Tests.Conformance;

/// <summary>
/// Every document of the peer suite (split/ and chainsaw/, allowed/ and denied/) gets the peer's verdict from the
/// mapped rule alone. A denied document must be denied by that rule, not by some other rule.
/// </summary>
public sealed class PeerConformanceTests
{
    public static TheoryData<string, string, int> Documents()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var peer in PeerPolicy.All)
        {
            foreach (var style in new[] { "split", "chainsaw" })
            {
                foreach (var verdict in new[] { "allowed", "denied" })
                {
                    var folder = Path.Combine(RepoPaths.Conformance, peer.Folder, style, verdict);
                    foreach (var file in Directory.EnumerateFiles(folder, "*.yaml").Order(StringComparer.Ordinal))
                    {
                        var count = ManifestReader.Read(File.ReadAllText(file)).Count;
                        for (var document = 1; document <= count; document++)
                        {
                            data.Add(peer.Folder, Path.GetRelativePath(RepoPaths.Conformance, file), document);
                        }
                    }
                }
            }
        }

        return data;
    }

    [Fact]
    public void The_suite_is_where_CI_puts_it_and_is_not_empty()
    {
        Documents().Count.ShouldBeGreaterThan(150);
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Verdict_matches_the_peer(string policy, string file, int document)
    {
        var peer = PeerPolicy.Named(policy);
        var compiled = Policy.Compile(Policy.Pack(peer.RuleId, peer.Parameters));
        var manifests = ManifestReader.Read(File.ReadAllText(Path.Combine(RepoPaths.Conformance, file)));
        using var manifest = manifests[document - 1];
        manifest.Error.ShouldBeNull();

        var verdict = compiled.Evaluate(new EvaluationRequest
        {
            Group = manifest.Group,
            Kind = manifest.Kind!,
            Name = manifest.Name,
            Object = manifest.Root,
        });

        verdict.SkippedBecause.ShouldBeNull();
        var expectDenied = file.Contains($"{Path.DirectorySeparatorChar}denied{Path.DirectorySeparatorChar}", StringComparison.Ordinal);
        if (expectDenied)
        {
            verdict.Allowed.ShouldBeFalse($"{file}#{document} should be denied");
            verdict.Violations.ShouldAllBe(v => v.RuleId == peer.RuleId);
        }
        else
        {
            verdict.Violations.ShouldBeEmpty($"{file}#{document} should be allowed");
            verdict.Allowed.ShouldBeTrue();
        }
    }
}
