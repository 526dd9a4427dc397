using Guardrails.Webhook.Tests.Cluster;
using System.Text.Json.Nodes;

namespace Guardrails.Webhook.Tests.Provisioning;

/// <summary>The self-serve REST door: who may ask, what a dry run shows, and Ready within 3 s.</summary>
[Collection(ProvisioningLifecycleCollection.Name)]
public sealed class EnvironmentEndpointTests
{
    [Fact]
    public async Task Callers_without_a_valid_token_get_401()
    {
        await using var harness = await ProvisioningHarness.StartAsync();

        (await harness.PostAsync(null, ProvisioningHarness.Spec())).Status.ShouldBe(401);
        (await harness.PostAsync("not-a-token", ProvisioningHarness.Spec())).Status.ShouldBe(401);
    }

    [Fact]
    public async Task Callers_not_allowed_to_create_environments_for_the_team_get_403()
    {
        await using var harness = await ProvisioningHarness.StartAsync();

        var (status, body) = await harness.PostAsync(ProvisioningHarness.MalloryToken, ProvisioningHarness.Spec());

        status.ShouldBe(403);
        body["detail"]!.GetValue<string>().ShouldContain("mallory may not create environments for team team-a");
        harness.Environment("team-a-dev").ShouldBeNull();
    }

    [Fact]
    public async Task An_invalid_spec_gets_400_naming_the_field_and_where_it_is_in_the_body()
    {
        await using var harness = await ProvisioningHarness.StartAsync();

        var (status, body) = await harness.PostAsync(ProvisioningHarness.AliceToken, ProvisioningHarness.Spec(cpu: "-1"));

        status.ShouldBe(400);
        body["detail"]!.GetValue<string>().ShouldMatch(@"^body:1:\d+: spec\.resources\.cpu: '-1' is negative$");
        harness.Environment("team-a-dev").ShouldBeNull();
    }

    [Fact]
    public async Task A_dry_run_returns_the_plan_and_the_verdict_and_applies_nothing()
    {
        await using var harness = await ProvisioningHarness.StartAsync();

        var (status, body) = await harness.PostAsync(ProvisioningHarness.AliceToken, ProvisioningHarness.Spec(), "?dryRun=true");

        status.ShouldBe(200);
        body["verdict"]!.GetValue<string>().ShouldBe("passed");
        body["plan"]!.AsArray().Select(o => o!["kind"]!.GetValue<string>()).ShouldContain("ResourceQuota");
        harness.Environment("team-a-dev").ShouldBeNull();
        harness.Api.Get("/api/v1/namespaces/team-a-dev").ShouldBeNull();
    }

    [Fact]
    public async Task A_dry_run_over_budget_says_why()
    {
        await using var harness = await ProvisioningHarness.StartAsync();

        var (status, body) = await harness.PostAsync(ProvisioningHarness.AliceToken, ProvisioningHarness.Spec(cpu: "100"), "?dryRun=true");

        status.ShouldBe(200);
        body["verdict"]!.GetValue<string>().ShouldBe("rejected");
        body["reasons"]!.AsArray().ShouldContain(r => r!["message"]!.GetValue<string>().Contains("budget", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_team_budget_counts_the_teams_other_environments_but_not_rejected_or_deleted_ones()
    {
        await using var harness = await ProvisioningHarness.StartAsync();
        harness.ApplyEnvironment(ProvisioningHarness.Spec(cpu: "4"));
        await harness.WaitForPhaseAsync("team-a-dev", "Ready");
        harness.ApplyEnvironment(ProvisioningHarness.Spec(name: "big", cpu: "100"));
        await harness.WaitForPhaseAsync("team-a-big", "Rejected");

        var (_, crowded) = await harness.PostAsync(ProvisioningHarness.AliceToken, ProvisioningHarness.Spec(name: "web", cpu: "14"), "?dryRun=true");

        crowded["verdict"]!.GetValue<string>().ShouldBe("rejected", crowded.ToJsonString());
        var reason = crowded["reasons"]!.AsArray().Select(r => r!["message"]!.GetValue<string>()).Single(m => m.Contains("budget", StringComparison.Ordinal));
        // team-a-dev's 4 counts; the Rejected team-a-big's 100 does not.
        reason.ShouldContain("(4 in 1 environment + 14 requested)");

        harness.Api.Delete("/apis/guardrails.dev/v1alpha1/environments/team-a-dev");
        await LiveStateHarness.EventuallyAsync(() => Task.FromResult(harness.Environment("team-a-dev") is null), "team-a-dev deleted");
        await LiveStateHarness.EventuallyAsync(
            async () => (await harness.PostAsync(ProvisioningHarness.AliceToken, ProvisioningHarness.Spec(name: "web", cpu: "14"), "?dryRun=true")).Body["verdict"]!.GetValue<string>() == "passed",
            "the budget freed by the deleted environment");
    }

    [Fact]
    public async Task A_request_is_answered_ready_with_step_timings_within_three_seconds()
    {
        await using var harness = await ProvisioningHarness.StartAsync();

        var (status, body) = await harness.PostAsync(ProvisioningHarness.AliceToken, ProvisioningHarness.Spec());

        status.ShouldBe(201, body.ToJsonString());
        body["phase"]!.GetValue<string>().ShouldBe("Ready");
        body["namespace"]!.GetValue<string>().ShouldBe("team-a-dev");
        body["elapsedMs"]!.GetValue<double>().ShouldBeLessThan(3000);
        body["steps"]!.AsArray().Count.ShouldBeGreaterThan(5);
        harness.Api.Get("/api/v1/namespaces/team-a-dev").ShouldNotBeNull();

        using var client = harness.Live.Guardrails.CreateClient();
        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/v1/environments/team-a-dev");
        get.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ProvisioningHarness.AliceToken);
        using var response = await client.SendAsync(get, TestContext.Current.CancellationToken);
        JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["phase"]!.GetValue<string>().ShouldBe("Ready");
    }

    [Fact]
    public async Task An_over_budget_request_is_refused_with_reasons_and_creates_nothing()
    {
        await using var harness = await ProvisioningHarness.StartAsync();

        var (status, body) = await harness.PostAsync(ProvisioningHarness.AliceToken, ProvisioningHarness.Spec(cpu: "100"));

        status.ShouldBe(422);
        body["reasons"]!.AsArray().ShouldNotBeEmpty();
        harness.Environment("team-a-dev").ShouldBeNull();
    }
}
