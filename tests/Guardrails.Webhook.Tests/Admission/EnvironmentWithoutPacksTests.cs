using System.Text;
using System.Text.Json.Nodes;
using Guardrails.Webhook.Admission;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Provisioning;
using Guardrails.Webhook.Tests.Provisioning;
using Guardrails.Webhook.Tests.Support;

namespace Guardrails.Webhook.Tests.Admission;

/// <summary>
/// With no valid rule packs, workloads get a 503 (the apiserver's failurePolicy decides), but Environment writes are
/// still answered: the controller's finalizer patches must not wait on a pack being fixed.
/// </summary>
public sealed class EnvironmentWithoutPacksTests
{
    [Theory]
    [InlineData(AdmissionOperationKind.Validate, "Guardrails: the Environment was not pre-checked")]
    [InlineData(AdmissionOperationKind.Mutate, null)]
    public async Task An_environment_is_answered_while_no_rule_packs_are_loaded(AdmissionOperationKind operation, string? warning)
    {
        var policies = new PolicyStore(TimeProvider.System);
        var preCheck = new EnvironmentPreCheckService(policies, new PlatformSettingsStore(), new NoClusterStateSource(), new EnvironmentCache());
        var core = AdmissionCore.Create(policies, new NoClusterStateSource(), environments: preCheck);
        var environment = new JsonObject
        {
            ["apiVersion"] = "guardrails.dev/v1alpha1",
            ["kind"] = "Environment",
            ["metadata"] = new JsonObject { ["name"] = "team-a-dev" },
            ["spec"] = ProvisioningHarness.Spec(),
        };
        var json = JsonNode.Parse(Fixtures.Wrap(environment, "env-9", "guardrails.dev", "v1alpha1", "Environment"))!;
        json["request"]!.AsObject().Remove("namespace");
        using var review = AdmissionReviewReader.Read(Encoding.UTF8.GetBytes(json.ToJsonString()));

        var decision = await core(new AdmissionCall(review, operation, TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));

        decision.Allowed.ShouldBeTrue(decision.Message);
        if (warning is null)
        {
            decision.Warnings.ShouldBeEmpty();
        }
        else
        {
            decision.Warnings.ShouldContain(w => w.StartsWith(warning, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_workload_is_refused_with_503_while_no_rule_packs_are_loaded()
    {
        var core = AdmissionCore.Create(new PolicyStore(TimeProvider.System), new NoClusterStateSource());
        using var review = AdmissionReviewReader.Read(Fixtures.Read("v1.24/create-pod.json"));

        var decision = await core(new AdmissionCall(review, AdmissionOperationKind.Validate, TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));

        decision.Allowed.ShouldBeFalse();
        decision.Code.ShouldBe(503);
    }
}
