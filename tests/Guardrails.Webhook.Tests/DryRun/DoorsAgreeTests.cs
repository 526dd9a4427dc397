using System.Text.Json.Nodes;
using Guardrails.Policies.Resources;
using Guardrails.Tests;
using Guardrails.Webhook.Tests.Support;

namespace Guardrails.Webhook.Tests.DryRun;

/// <summary>One engine, one compiled policy: the dry-run door and the admission door give the same decision for every conformance document.</summary>
public sealed class DoorsAgreeTests : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _fixture;

    public DoorsAgreeTests(ServerFixture fixture)
    {
        _fixture = fixture;
    }

    public static TheoryData<string> ConformanceFiles() =>
    [
        .. Directory.EnumerateFiles(RepoPaths.Conformance, "*.yaml", SearchOption.AllDirectories)
            .Where(f => f.Contains($"{Path.DirectorySeparatorChar}allowed{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || f.Contains($"{Path.DirectorySeparatorChar}denied{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(RepoPaths.Conformance, f))
            .Order(StringComparer.Ordinal),
    ];

    [Theory]
    [MemberData(nameof(ConformanceFiles))]
    public async Task Admission_and_dry_run_give_the_same_decision(string file)
    {
        var yaml = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Conformance, file), TestContext.Current.CancellationToken);
        using var client = _fixture.Server.CreateClient();

        using var dryRunHttp = await client.PostAsync("/api/v1/evaluate?namespace=team-a", new StringContent(yaml, System.Text.Encoding.UTF8, "application/yaml"), TestContext.Current.CancellationToken);
        var dryRun = JsonNode.Parse(await dryRunHttp.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        ((int)dryRunHttp.StatusCode).ShouldBe(200, dryRun.ToJsonString());
        var results = dryRun["results"]!.AsArray();

        var manifests = ManifestReader.Read(yaml);
        results.Count.ShouldBe(manifests.Count);
        for (var i = 0; i < manifests.Count; i++)
        {
            using var manifest = manifests[i];
            var version = manifest.ApiVersion!.Contains('/', StringComparison.Ordinal) ? manifest.ApiVersion.Split('/')[1] : manifest.ApiVersion;
            var review = Fixtures.Wrap(JsonNode.Parse(manifest.Root.GetRawText())!, $"uid-{i}", manifest.Group, version, manifest.Kind!);
            using var admissionHttp = await client.PostAsync("/validate?timeout=10s", Fixtures.Json(review), TestContext.Current.CancellationToken);
            var admission = await AdmissionResponse.ReadAsync(admissionHttp);

            var result = results[i]!;
            var denials = result["violations"]!.AsArray().Where(v => v!["mode"]!.GetValue<string>() == "Enforce").ToList();
            admission.Allowed.ShouldBe(result["verdict"]!.GetValue<string>() != "denied", $"{file} document {i + 1}");
            foreach (var denial in denials)
            {
                admission.Message!.ShouldContain($"[{denial!["rule"]}] {denial["path"]} ({denial["actual"]}): {denial["message"]}");
            }

            if (!admission.Allowed)
            {
                admission.Message!.ShouldContain($"{denials.Count} violation");
            }
        }
    }
}
