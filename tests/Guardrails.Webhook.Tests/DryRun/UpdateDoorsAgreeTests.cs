using System.Text.Json.Nodes;
using Guardrails.Webhook.Tests.Support;

namespace Guardrails.Webhook.Tests.DryRun;

/// <summary>An UPDATE review gets the same answer from the dry-run door as from /validate: allowed or not, the same denials, the same warnings.</summary>
public sealed class UpdateDoorsAgreeTests : IClassFixture<ServerFixture>
{
    private static readonly Dictionary<string, Func<string>> Reviews = new(StringComparer.Ordinal)
    {
        ["violating pod relabelled"] = () => UpdateReviews.From("v1.24/create-pod.json", pod => pod["metadata"]!["labels"]!["touched"] = "yes"),
        ["pod image changed to latest"] = () => UpdateReviews.From(
            "v1.24/create-pod.json",
            pod => pod["spec"]!["containers"]![0]!["image"] = "nginx:latest",
            stored: pod => pod["spec"]!["containers"]![0]!["image"] = "nginx:1.27"),
        ["deleting pod loses its finalizer"] = () => UpdateReviews.From(
            "v1.24/create-pod.json",
            pod => pod["metadata"]!.AsObject().Remove("finalizers"),
            stored: pod =>
            {
                pod["metadata"]!["finalizers"] = new JsonArray("example.com/hold");
                pod["metadata"]!["deletionTimestamp"] = "2026-12-01T20:00:00Z";
            }),
        ["deployment relabelled"] = () => UpdateReviews.From("v1.24/update-deployment.json", d => d["metadata"]!["labels"]!["team"] = "shop"),
        ["deployment image bumped"] = () => System.Text.Encoding.UTF8.GetString(Fixtures.Read("v1.24/update-deployment.json")),
    };

    private readonly ServerFixture _fixture;

    public UpdateDoorsAgreeTests(ServerFixture fixture)
    {
        _fixture = fixture;
    }

    public static TheoryData<string> Cases() => [.. Reviews.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Validate_and_the_dry_run_door_agree_on_an_update(string name)
    {
        var review = Reviews[name]();
        using var client = _fixture.Server.CreateClient();

        using var admissionHttp = await client.PostAsync("/validate", Fixtures.Json(review), TestContext.Current.CancellationToken);
        var admission = await AdmissionResponse.ReadAsync(admissionHttp);
        using var dryRunHttp = await client.PostAsync("/api/v1/evaluate", Fixtures.Json(review), TestContext.Current.CancellationToken);
        var dryRun = JsonNode.Parse(await dryRunHttp.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;

        ((int)dryRunHttp.StatusCode).ShouldBe(200, dryRun.ToJsonString());
        var result = dryRun["results"]!.AsArray().ShouldHaveSingleItem()!;
        (result["verdict"]!.GetValue<string>() != "denied").ShouldBe(admission.Allowed);
        result["warnings"]!.AsArray().Select(w => $"Guardrails: {w!.GetValue<string>()}").ShouldBe(admission.Warnings);
        var denials = result["violations"]!.AsArray().Where(v => v!["mode"]!.GetValue<string>() == "Enforce").ToList();
        foreach (var denial in denials)
        {
            admission.Message.ShouldNotBeNull().ShouldContain($"[{denial!["rule"]}] {denial["path"]} ({denial["actual"]}): {denial["message"]}");
        }

        if (!admission.Allowed)
        {
            admission.Message.ShouldNotBeNull().ShouldContain($"{denials.Count} violation");
        }
    }
}
