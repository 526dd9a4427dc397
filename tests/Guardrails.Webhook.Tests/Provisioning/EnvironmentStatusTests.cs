using System.Text.Json;
using System.Text.Json.Nodes;
using Guardrails.Webhook.Provisioning;

namespace Guardrails.Webhook.Tests.Provisioning;

public sealed class EnvironmentStatusTests
{
    private static readonly DateTimeOffset Earlier = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = Earlier.AddHours(3);

    [Fact]
    public void The_same_verdict_later_is_the_same_status()
    {
        var first = EnvironmentStatus.Rejected(Without(), Earlier, 1, ["[team-budget] over"]);

        var again = EnvironmentStatus.Rejected(With(first), Later, 1, ["[team-budget] over"]);

        JsonNode.DeepEquals(first, again).ShouldBeTrue(again.ToJsonString());
    }

    [Fact]
    public void A_condition_that_changes_gets_the_new_time_and_one_that_stays_keeps_its_own()
    {
        var rejected = EnvironmentStatus.Rejected(Without(), Earlier, 1, ["[team-budget] over"]);

        var ready = EnvironmentStatus.Build(With(rejected), Later, "Ready", 2, "team-a-dev", "11 objects applied", [new StepTiming("Namespace team-a-dev", 7.6)], readyStatus: "True", rejected: false);

        Condition(ready, "Ready")["lastTransitionTime"]!.GetValue<string>().ShouldBe("2026-11-21T12:00:00Z", "Ready went False -> True");
        Condition(ready, "Rejected")["lastTransitionTime"]!.GetValue<string>().ShouldBe("2026-11-21T12:00:00Z", "Rejected went True -> False");
        var stillReady = EnvironmentStatus.Build(With(ready), Later.AddHours(1), "Ready", 2, "team-a-dev", "11 objects applied", [], readyStatus: "True", rejected: false);
        Condition(stillReady, "Ready")["lastTransitionTime"]!.GetValue<string>().ShouldBe("2026-11-21T12:00:00Z");
        Condition(rejected, "Ready")["lastTransitionTime"]!.GetValue<string>().ShouldBe("2026-11-21T09:00:00Z");
        ready["steps"]![0]!["durationMs"]!.GetValue<long>().ShouldBe(8, "whole milliseconds, as the CRD declares");
        ready["namespace"]!.GetValue<string>().ShouldBe("team-a-dev");
        ready["observedGeneration"]!.GetValue<long>().ShouldBe(2);
    }

    private static JsonNode Condition(JsonObject status, string type) =>
        status["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == type)!;

    private static JsonElement Without() => Element("""{"metadata":{"name":"team-a-dev"}}""");

    private static JsonElement With(JsonObject status) =>
        Element(new JsonObject { ["metadata"] = new JsonObject { ["name"] = "team-a-dev" }, ["status"] = status.DeepClone() }.ToJsonString());

    private static JsonElement Element(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
