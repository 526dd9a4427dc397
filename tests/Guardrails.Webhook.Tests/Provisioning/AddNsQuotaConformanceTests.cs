using System.Text.Json.Nodes;
using Guardrails.Policies.Quantities;
using Guardrails.Policies.Resources;
using Guardrails.Tests;
using Guardrails.Webhook.Provisioning;

namespace Guardrails.Webhook.Tests.Provisioning;

/// <summary>
/// The peers' add-ns-quota case generates a quota and a limit range for a new namespace; ours, for the same sizes,
/// must have the same specs, value for value (quantities compared as quantities: '4' is 4).
/// </summary>
public sealed class AddNsQuotaConformanceTests
{
    private static readonly string Case = Path.Combine(RepoPaths.Conformance, "add-ns-quota", "original");

    private static JsonNode ExpectedSpec(string file)
    {
        using var manifest = ManifestReader.Read(File.ReadAllText(Path.Combine(Case, file))).ShouldHaveSingleItem();
        manifest.Error.ShouldBeNull();
        return JsonNode.Parse(manifest.Root.Child("spec"u8).GetRawText())!;
    }

    private static EnvironmentPlan Plan() => EnvironmentPlanner.Plan(
        ProvisioningFixtures.Request(tier: "dev", cpu: "4", memory: "16Gi"),
        ProvisioningFixtures.Settings());

    private static JsonNode PlannedSpec(string kind) =>
        Plan().Objects.Single(o => o.Kind == kind).ToJsonObject()["spec"]!;

    [Fact]
    public void The_resource_quota_matches_the_generated_one()
    {
        var expected = ExpectedSpec("generatedResourceQuota.yaml");
        var actual = PlannedSpec("ResourceQuota");

        SameSpec(expected, actual).ShouldBeTrue($"expected {expected.ToJsonString()}\nactual   {actual.ToJsonString()}");
    }

    [Fact]
    public void The_limit_range_matches_the_generated_one()
    {
        var expected = ExpectedSpec("generatedLimitRange.yaml");
        var actual = PlannedSpec("LimitRange");

        SameSpec(expected, actual).ShouldBeTrue($"expected {expected.ToJsonString()}\nactual   {actual.ToJsonString()}");
    }

    [Fact]
    public void The_names_match_too()
    {
        var plan = Plan();

        plan.Find("ResourceQuota", "default-resourcequota").ShouldNotBeNull();
        plan.Find("LimitRange", "default-limitrange").ShouldNotBeNull();
    }

    [Fact]
    public void The_comparison_is_not_vacuous()
    {
        var expected = ExpectedSpec("generatedResourceQuota.yaml");
        var changed = expected.DeepClone();
        changed["hard"]!["limits.memory"] = "16G";

        SameSpec(expected, changed).ShouldBeFalse();
        changed["hard"]!["limits.memory"] = "16384Mi";
        SameSpec(expected, changed).ShouldBeTrue();
        changed["hard"]!.AsObject().Remove("limits.cpu");
        SameSpec(expected, changed).ShouldBeFalse();
    }

    /// <summary>Same keys, same shapes, and scalars equal as text or, when both are quantities, as quantities.</summary>
    private static bool SameSpec(JsonNode? a, JsonNode? b) => (a, b) switch
    {
        (JsonObject x, JsonObject y) => x.Count == y.Count && x.All(p => y.ContainsKey(p.Key) && SameSpec(p.Value, y[p.Key])),
        (JsonArray x, JsonArray y) => x.Count == y.Count && x.Zip(y).All(p => SameSpec(p.First, p.Second)),
        (JsonValue x, JsonValue y) => Scalar(x) == Scalar(y)
            || (Quantity.TryParse(Scalar(x), out var qx) && Quantity.TryParse(Scalar(y), out var qy) && qx == qy),
        (null, null) => true,
        _ => false,
    };

    private static string Scalar(JsonValue value) => value.TryGetValue<string>(out var text) ? text : value.ToJsonString();
}
