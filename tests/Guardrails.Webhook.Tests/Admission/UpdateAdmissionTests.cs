using System.Text.Json.Nodes;
using Guardrails.Policies.Resources;
using Guardrails.Tests;
using Guardrails.Webhook.Tests.Support;

namespace Guardrails.Webhook.Tests.Admission;

/// <summary>
/// UPDATEs through /validate with the shipped packs: an object that predates the policy stays operable (labels,
/// deletion, finalizers, controllers' writes), and what an update introduces is still refused.
/// </summary>
public sealed class UpdateAdmissionTests : IClassFixture<ServerFixture>
{
    /// <summary>kubectl run x --image=nginx:latest: no resources, may run as root, a moving tag (5 violations).</summary>
    private const string ViolatingPod = "v1.24/create-pod.json";

    /// <summary>A compliant Deployment recorded in a real rollout (kubectl set image).</summary>
    private const string CompliantDeployment = "v1.26/03-deployment-rollout-new-image/0040-validate-UPDATE-Deployment-web.json";

    private readonly ServerFixture _fixture;

    public UpdateAdmissionTests(ServerFixture fixture)
    {
        _fixture = fixture;
    }

    private async Task<AdmissionResponse> ValidateAsync(string review)
    {
        using var client = _fixture.Server.CreateClient();
        using var http = await client.PostAsync("/validate?timeout=10s", Fixtures.Json(review), TestContext.Current.CancellationToken);
        return await AdmissionResponse.ReadAsync(http);
    }

    [Fact]
    public async Task A_label_change_of_a_violating_pod_is_allowed_with_its_violations_as_pre_existing_warnings_and_audit_annotations()
    {
        var review = UpdateReviews.From(ViolatingPod, pod => pod["metadata"]!["labels"]!["touched"] = "yes", fieldManager: "kubectl-label");

        var response = await ValidateAsync(review);

        response.Allowed.ShouldBeTrue();
        response.Warnings.Count.ShouldBe(5);
        response.Warnings.ShouldAllBe(w => w.StartsWith("Guardrails: pre-existing: [", StringComparison.Ordinal));
        response.Warnings.ShouldContain("Guardrails: pre-existing: [image-tag] spec.containers[0].image (nginx:latest): container 'x' image 'nginx:latest' uses the tag 'latest', which moves and pins nothing. Fix: pin a version tag (for example nginx:1.2.3) or a digest");
        response.AuditAnnotations.Keys.Order(StringComparer.Ordinal).ShouldBe(["image-tag.pre-existing", "resource-requirements.pre-existing", "run-as-non-root.pre-existing"]);
        response.AuditAnnotations["image-tag.pre-existing"].ShouldBe("spec.containers[0].image: container 'x' image 'nginx:latest' uses the tag 'latest', which moves and pins nothing");
    }

    [Fact]
    public async Task Removing_the_finalizer_of_a_deleting_pod_is_allowed()
    {
        var review = UpdateReviews.From(
            ViolatingPod,
            pod => pod["metadata"]!.AsObject().Remove("finalizers"),
            stored: pod =>
            {
                pod["metadata"]!["finalizers"] = new JsonArray("example.com/hold");
                pod["metadata"]!["deletionTimestamp"] = "2026-12-01T20:00:00Z";
                pod["metadata"]!["deletionGracePeriodSeconds"] = 0;
            },
            fieldManager: "example-controller");

        var response = await ValidateAsync(review);

        response.Allowed.ShouldBeTrue();
        response.Warnings.ShouldBeEmpty();
    }

    [Fact]
    public async Task Changing_an_existing_pods_image_to_latest_is_denied_for_that_change_alone()
    {
        var review = UpdateReviews.From(
            ViolatingPod,
            pod => pod["spec"]!["containers"]![0]!["image"] = "nginx:latest",
            stored: pod => pod["spec"]!["containers"]![0]!["image"] = "nginx:1.27",
            fieldManager: "kubectl-set");

        var response = await ValidateAsync(review);

        response.Allowed.ShouldBeFalse();
        response.Code.ShouldBe(403);
        response.Message.ShouldBe("""
            Guardrails denied Pod default/x: 1 violation
            - [image-tag] spec.containers[0].image (nginx:latest): container 'x' image 'nginx:latest' uses the tag 'latest', which moves and pins nothing. Fix: pin a version tag (for example nginx:1.2.3) or a digest
            """.ReplaceLineEndings("\n"));
        response.Warnings.Count.ShouldBe(4);
    }

    [Fact]
    public async Task A_deployment_whose_labels_change_and_template_does_not_is_allowed()
    {
        // kubectl set image's recording from v1.24: nginx without resources or securityContext; relabelled instead.
        var review = UpdateReviews.From("v1.24/update-deployment.json", deployment => deployment["metadata"]!["labels"] = new JsonObject { ["app"] = "web", ["team"] = "shop" }, fieldManager: "kubectl-label");

        var response = await ValidateAsync(review);

        response.Allowed.ShouldBeTrue();
        response.Warnings.ShouldNotBeEmpty();
        response.Warnings.ShouldAllBe(w => w.StartsWith("Guardrails: pre-existing: [", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_deployment_whose_template_gains_a_root_container_is_denied()
    {
        var review = UpdateReviews.From(CompliantDeployment, deployment => deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Add(new JsonObject
        {
            ["name"] = "debug",
            ["image"] = "busybox:1.36",
            ["securityContext"] = new JsonObject { ["runAsUser"] = 0 },
            ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "10m", ["memory"] = "16Mi" }, ["limits"] = new JsonObject { ["memory"] = "16Mi" } },
        }));

        var response = await ValidateAsync(review);

        response.Allowed.ShouldBeFalse();
        response.Message.ShouldBe("""
            Guardrails denied Deployment rec-team/web: 1 violation
            - [run-as-non-root] spec.template.spec.containers[1].securityContext.runAsUser (0): container 'debug' runs as root: securityContext.runAsUser is 0. Fix: set runAsUser to a non-zero UID (for example 1000) or remove it
            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_template_change_of_a_violating_deployment_is_judged_as_the_new_pods_it_rolls_out()
    {
        // The recorded kubectl set image (nginx:1.25 -> 1.26) on a Deployment without resources or securityContext.
        var response = await ValidateAsync(System.Text.Encoding.UTF8.GetString(Fixtures.Read("v1.24/update-deployment.json")));

        response.Allowed.ShouldBeFalse();
        response.Message.ShouldNotBeNull().ShouldContain("[run-as-non-root]");
        response.Message.ShouldContain("[resource-requirements]");
    }

    [Fact]
    public async Task A_controllers_write_to_a_violating_replicaset_with_an_unchanged_template_is_allowed()
    {
        // The deployment controller's recorded revision-annotation update of an old ReplicaSet, with both versions'
        // template stripped of its securityContext: a ReplicaSet of a Deployment that predates the policy.
        var review = JsonNode.Parse(Fixtures.Read("v1.26/06-deployment-apply-replicas-change/0182-validate-UPDATE-ReplicaSet-web-5745cf87f4.json"))!;
        foreach (var version in new[] { "object", "oldObject" })
        {
            review["request"]![version]!["spec"]!["template"]!["spec"]!.AsObject().Remove("securityContext");
        }

        var response = await ValidateAsync(review.ToJsonString());

        response.Allowed.ShouldBeTrue(response.Message);
        response.Warnings.ShouldHaveSingleItem().ShouldStartWith("Guardrails: pre-existing: [run-as-non-root] spec.template.spec.containers[0].securityContext.runAsNonRoot");
    }

    [Fact]
    public async Task Gatekeeper_librarys_psp_users_update_case_is_allowed()
    {
        var yaml = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "tests", "Guardrails.Webhook.Tests", "Admission", "Data", "gatekeeper-psp-users-update.yaml"), TestContext.Current.CancellationToken);
        using var review = ManifestReader.Read(yaml).ShouldHaveSingleItem();

        var response = await ValidateAsync(review.Root.GetRawText());

        response.Allowed.ShouldBeTrue();
        response.Warnings.ShouldNotBeEmpty();
        response.Warnings.ShouldAllBe(w => w.StartsWith("Guardrails: pre-existing: [", StringComparison.Ordinal));
    }

    public static TheoryData<string> RecordedControllerUpdates() =>
    [
        .. Directory.EnumerateFiles(Path.Combine(RepoPaths.AdmissionFixtures, "v1.26"), "*-validate-UPDATE-*.json", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f).Contains("-Deployment-", StringComparison.Ordinal) || Path.GetFileName(f).Contains("-ReplicaSet-", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(RepoPaths.AdmissionFixtures, f))
            .Order(StringComparer.Ordinal),
    ];

    [Theory]
    [MemberData(nameof(RecordedControllerUpdates))]
    public async Task Recorded_rollout_and_scaling_updates_of_a_compliant_workload_pass(string fixture)
    {
        var response = await ValidateAsync(System.Text.Encoding.UTF8.GetString(Fixtures.Read(fixture)));

        response.Allowed.ShouldBeTrue(response.Message);
        response.Warnings.ShouldBeEmpty();
    }
}
