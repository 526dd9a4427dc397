using System.Text.Json.Nodes;
using static Guardrails.Webhook.Tests.Admission.Day2Harness;

namespace Guardrails.Webhook.Tests.Admission;

/// <summary>
/// Issue 14, the budget first: pdb-allows-disruption judged from the workload's side through /validate, on the
/// recorded v1.26 scale and apply requests, with the PodDisruptionBudget in the watch cache.
/// </summary>
public sealed class Day2ScaleDownTests
{
    private const string ScaleDown = "v1.26/05-deployment-scale-down-to-2/0156-validate-UPDATE-Scale-scale-web.json";
    private const string ApplyReplicas = "v1.26/06-deployment-apply-replicas-change/0180-validate-UPDATE-Deployment-web.json";
    private const string ControllerScalesReplicaSet = "v1.26/05-deployment-scale-down-to-2/0158-validate-UPDATE-ReplicaSet-web-5745cf87f4.json";

    [Fact]
    public async Task Kubectl_scale_down_to_a_budgets_min_available_is_denied_with_the_budget_the_replicas_and_the_arithmetic()
    {
        await using var harness = await StartAsync(EnforcedPack, StoredDeployment(3), StoredBudget(2));
        using var client = harness.Guardrails.CreateClient();

        // kubectl scale --replicas=2 through deployments/scale: the budget asks minAvailable 2 of app=web.
        var response = await harness.ValidateAsync(client, Recorded(ScaleDown).ToJsonString());

        response.Allowed.ShouldBeFalse();
        response.Message.ShouldNotBeNull();
        response.Message.ShouldContain("[pdb-allows-disruption] spec.replicas (2)");
        response.Message.ShouldContain("Deployment rec-team/web scaled to 2 replicas: PodDisruptionBudget web requires minAvailable 2 of 2 pods selected from Deployment web (2 replicas)");
        response.Message.ShouldContain("2 - 2 = 0 pods may ever be evicted, so no node running them can be drained");
        response.Message.ShouldContain("keep at least 3 replicas, or lower PodDisruptionBudget web's minAvailable below 2");
    }

    [Fact]
    public async Task Kubectl_scale_down_that_leaves_one_pod_evictable_is_allowed()
    {
        await using var harness = await StartAsync(EnforcedPack, StoredDeployment(4), StoredBudget(2));
        using var client = harness.Guardrails.CreateClient();
        var review = Recorded(ScaleDown);
        review["request"]!["object"]!["spec"]!["replicas"] = 3;

        var response = await harness.ValidateAsync(client, review.ToJsonString());

        response.Allowed.ShouldBeTrue(response.Message);
        response.Warnings.ShouldNotContain(w => w.Contains("pdb-allows-disruption", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Kubectl_scale_down_against_a_percentage_budget_is_denied_with_the_rounding()
    {
        await using var harness = await StartAsync(EnforcedPack, StoredDeployment(4), StoredBudget("60%"));
        using var client = harness.Guardrails.CreateClient();

        var response = await harness.ValidateAsync(client, Recorded(ScaleDown).ToJsonString());

        response.Allowed.ShouldBeFalse();
        response.Message.ShouldNotBeNull();
        response.Message.ShouldContain("requires minAvailable 60% of 2 pods (rounded up: 2) selected from Deployment web (2 replicas): 2 - 2 = 0 pods");
        response.Message.ShouldContain("keep at least 3 replicas");
    }

    [Fact]
    public async Task Kubectl_apply_lowering_replicas_to_a_budgets_min_available_is_denied_the_same_way()
    {
        await using var harness = await StartAsync(EnforcedPack, StoredDeployment(3), StoredBudget(2));
        using var client = harness.Guardrails.CreateClient();
        var review = Recorded(ApplyReplicas);
        review["request"]!["object"]!["spec"]!["replicas"] = 2;
        review["request"]!["oldObject"]!["spec"]!["replicas"] = 3;

        var response = await harness.ValidateAsync(client, review.ToJsonString());

        response.Allowed.ShouldBeFalse();
        response.Message.ShouldNotBeNull();
        response.Message.ShouldContain("[pdb-allows-disruption] spec.replicas (2)");
        response.Message.ShouldContain("Deployment rec-team/web at 2 replicas: PodDisruptionBudget web requires minAvailable 2 of 2 pods selected from Deployment web (2 replicas): 2 - 2 = 0 pods may ever be evicted");
    }

    [Fact]
    public async Task Kubectl_apply_lowering_replicas_under_a_percentage_budget_is_denied_with_the_rounding()
    {
        // A percentage grows with the replicas, so no replica count is ever above it: the rule must still do the sum.
        await using var harness = await StartAsync(EnforcedPack, StoredDeployment(4), StoredBudget("60%"));
        using var client = harness.Guardrails.CreateClient();
        var review = Recorded(ApplyReplicas);
        review["request"]!["object"]!["spec"]!["replicas"] = 2;
        review["request"]!["oldObject"]!["spec"]!["replicas"] = 4;

        var response = await harness.ValidateAsync(client, review.ToJsonString());

        response.Allowed.ShouldBeFalse();
        response.Message.ShouldNotBeNull();
        response.Message.ShouldContain("Deployment rec-team/web at 2 replicas: PodDisruptionBudget web requires minAvailable 60% of 2 pods (rounded up: 2)");
    }

    [Fact]
    public async Task Kubectl_apply_lowering_replicas_above_every_budgets_count_is_allowed()
    {
        await using var harness = await StartAsync(EnforcedPack, StoredDeployment(4), StoredBudget(2));
        using var client = harness.Guardrails.CreateClient();
        var review = Recorded(ApplyReplicas);
        review["request"]!["object"]!["spec"]!["replicas"] = 3;
        review["request"]!["oldObject"]!["spec"]!["replicas"] = 4;

        var response = await harness.ValidateAsync(client, review.ToJsonString());

        response.Allowed.ShouldBeTrue(response.Message);
        response.Warnings.ShouldNotContain(w => w.Contains("pdb-allows-disruption", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Kubectl_apply_raising_replicas_is_not_refused_for_a_budget_that_still_blocks()
    {
        await using var harness = await StartAsync(EnforcedPack, StoredDeployment(2), StoredBudget(3));
        using var client = harness.Guardrails.CreateClient();

        // The recorded apply takes web from 2 to 3 replicas: better than before, so not the scale-down's to refuse.
        var response = await harness.ValidateAsync(client, Recorded(ApplyReplicas).ToJsonString());

        response.Allowed.ShouldBeTrue(response.Message);
        response.Warnings.ShouldNotContain(w => w.Contains("pdb-allows-disruption", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_deployment_created_at_a_budgets_min_available_is_denied_when_the_budget_came_first()
    {
        await using var harness = await StartAsync(EnforcedPack, StoredBudget(2));
        using var client = harness.Guardrails.CreateClient();
        var review = Recorded(CreateDeployment);
        review["request"]!["object"]!["spec"]!["replicas"] = 2;

        var response = await harness.ValidateAsync(client, review.ToJsonString());

        response.Allowed.ShouldBeFalse();
        response.Message.ShouldNotBeNull();
        response.Message.ShouldContain("Deployment rec-team/web at 2 replicas: PodDisruptionBudget web requires minAvailable 2 of 2 pods selected from Deployment web (2 replicas)");
    }

    [Fact]
    public async Task The_controllers_replica_set_scale_down_is_left_to_the_deployment()
    {
        await using var harness = await StartAsync(EnforcedPack, StoredDeployment(3), StoredBudget(2));
        using var client = harness.Guardrails.CreateClient();

        // The ReplicaSet controller's write after the Deployment was scaled: its owner was the one to judge.
        var response = await harness.ValidateAsync(client, Recorded(ControllerScalesReplicaSet).ToJsonString());

        response.Allowed.ShouldBeTrue(response.Message);
        response.Warnings.ShouldNotContain(w => w.Contains("pdb-allows-disruption", StringComparison.Ordinal));
    }

    [Fact]
    public async Task In_the_shipped_warn_mode_the_scale_down_is_allowed_with_the_same_message_as_a_warning()
    {
        var warnPack = EnforcedPack.Replace("- id: pdb-allows-disruption\n      mode: Enforce", "- id: pdb-allows-disruption\n      mode: Warn", StringComparison.Ordinal);
        await using var harness = await StartAsync(warnPack, StoredDeployment(3), StoredBudget(JsonValue.Create(2)));
        using var client = harness.Guardrails.CreateClient();

        var response = await harness.ValidateAsync(client, Recorded(ScaleDown).ToJsonString());

        response.Allowed.ShouldBeTrue(response.Message);
        response.Warnings.ShouldContain(w => w.Contains("PodDisruptionBudget web requires minAvailable 2 of 2 pods", StringComparison.Ordinal));
    }
}
