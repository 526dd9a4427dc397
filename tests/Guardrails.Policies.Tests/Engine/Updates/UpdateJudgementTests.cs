using Guardrails.Policies.Engine;
using Guardrails.Policies.Tests.Support;

namespace Guardrails.Policies.Tests.Engine.Updates;

/// <summary>
/// What an UPDATE is judged on: what it changes. The pod below predates the policy (created before the webhook was
/// registered) and violates run-as-non-root, resource-requirements and image-tag.
/// </summary>
public sealed class UpdateJudgementTests
{
    private const string Baseline = """
        apiVersion: guardrails.dev/v1alpha1
        kind: RulePack
        metadata: { name: baseline }
        spec:
          rules:
            - { id: run-as-non-root }
            - { id: resource-requirements }
            - { id: image-tag }
        """;

    private static readonly CompiledPolicy Policy = Support.Policy.Compile(Baseline);

    private static string Pod(string image = "nginx:latest", string metadata = "", string spec = "") => $$"""
        apiVersion: v1
        kind: Pod
        metadata: { name: rootpod, namespace: upd, finalizers: [example.com/hold]{{metadata}} }
        spec:
          containers: [{ name: app, image: "{{image}}" }]
          {{spec}}
        """;

    private static string Deployment(string labels = "{ app: web }", string containers = """[{ name: app, image: "nginx:latest" }]""") => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: web, namespace: upd, labels: {{labels}} }
        spec:
          replicas: 2
          selector: { matchLabels: { app: web } }
          template:
            metadata: { labels: { app: web } }
            spec:
              containers: {{containers}}
        """;

    /// <summary>A PodTemplate creates no pods, so its fields are compared one by one (no template rule).</summary>
    private static string PodTemplate(string containers) => $$"""
        apiVersion: v1
        kind: PodTemplate
        metadata: { name: t, namespace: upd }
        template:
          spec:
            securityContext: { runAsNonRoot: true }
            containers: {{containers}}
        """;

    private static string Sized(string name, string image, string memoryLimit = "64Mi") =>
        $$"""{ name: {{name}}, image: "{{image}}", resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { memory: {{memoryLimit}} } } }""";

    private static Verdict Update(string now, string before, EvaluationMode mode = EvaluationMode.Validate) =>
        Policy.Evaluate(now, mode, operation: AdmissionOperation.Update, oldYaml: before);

    [Fact]
    public void A_label_change_of_a_violating_pod_is_allowed_and_every_violation_stays_visible_as_pre_existing()
    {
        var created = Policy.Evaluate(Pod());

        var verdict = Update(Pod(metadata: ", labels: { touched: \"yes\" }"), Pod());

        verdict.Allowed.ShouldBeTrue();
        verdict.Violations.Count.ShouldBe(created.Violations.Count);
        verdict.Violations.ShouldAllBe(v => v.PreExisting && v.Mode == EnforcementMode.Warn);
        verdict.Warnings.Select(v => v.ToString()).ShouldContain("pre-existing: [image-tag] spec.containers[0].image (nginx:latest): container 'app' image 'nginx:latest' uses the tag 'latest', which moves and pins nothing. Fix: pin a version tag (for example nginx:1.2.3) or a digest");
    }

    [Fact]
    public void The_same_label_change_is_judged_in_full_on_create()
    {
        Policy.Evaluate(Pod(metadata: ", labels: { touched: \"yes\" }")).Allowed.ShouldBeFalse();
    }

    [Fact]
    public void Changing_a_pods_image_to_latest_is_denied_while_its_older_debt_only_warns()
    {
        var verdict = Update(Pod(image: "nginx:latest"), Pod(image: "nginx:1.27"));

        verdict.Allowed.ShouldBeFalse();
        var denial = verdict.Denials.ShouldHaveSingleItem();
        denial.RuleId.ShouldBe("image-tag");
        denial.Path.ShouldBe("spec.containers[0].image");
        denial.Actual.ShouldBe("nginx:latest");
        verdict.Warnings.ShouldNotBeEmpty();
        verdict.Warnings.ShouldAllBe(v => v.PreExisting && v.RuleId != "image-tag");
    }

    [Fact]
    public void Fixing_a_pods_image_passes_with_the_rest_of_its_debt_as_warnings()
    {
        var verdict = Update(Pod(image: "nginx:1.27"), Pod(image: "nginx:latest"));

        verdict.Allowed.ShouldBeTrue();
        verdict.Violations.ShouldNotContain(v => v.RuleId == "image-tag");
    }

    [Fact]
    public void Finalizer_removal_on_a_deleting_pod_is_never_denied()
    {
        var deleting = ", deletionTimestamp: \"2026-12-01T20:00:00Z\", deletionGracePeriodSeconds: 0";
        var before = Pod(metadata: deleting);
        var after = before.Replace("finalizers: [example.com/hold]", "finalizers: []", StringComparison.Ordinal);

        var verdict = Update(after, before);

        verdict.Allowed.ShouldBeTrue();
        verdict.Violations.ShouldBeEmpty();
        verdict.SkippedBecause.ShouldNotBeNull().ShouldContain("being deleted");
        Update(after, before, EvaluationMode.MutateThenValidate).Patch.IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void A_deletion_mark_only_the_new_object_claims_is_not_trusted()
    {
        // An update can neither set nor clear deletionTimestamp; the apiserver marks objects only on DELETE.
        var verdict = Update(Pod(image: "nginx:latest", metadata: ", deletionTimestamp: \"2026-12-01T20:00:00Z\""), Pod(image: "nginx:1.27"));

        verdict.Allowed.ShouldBeFalse();
        verdict.SkippedBecause.ShouldBeNull();
    }

    [Fact]
    public void A_pod_update_without_its_old_object_still_cannot_be_blamed_for_fields_kubernetes_does_not_let_change()
    {
        var verdict = Update(Pod(image: "nginx:latest"), before: null!);

        verdict.Denials.ShouldHaveSingleItem().RuleId.ShouldBe("image-tag");
        verdict.Warnings.ShouldNotBeEmpty();
        verdict.Warnings.ShouldAllBe(v => v.PreExisting);
    }

    [Fact]
    public void A_new_ephemeral_container_that_may_run_as_root_is_denied()
    {
        var debugged = Pod(spec: "ephemeralContainers: [{ name: debugger, image: \"busybox:1.36\" }]");

        var verdict = Update(debugged, Pod());

        var denial = verdict.Denials.ShouldHaveSingleItem();
        denial.RuleId.ShouldBe("run-as-non-root");
        denial.Path.ShouldBe("spec.ephemeralContainers[0].securityContext.runAsNonRoot");
    }

    [Fact]
    public void A_deployment_whose_labels_change_and_template_does_not_is_allowed()
    {
        var verdict = Update(Deployment(labels: "{ app: web, team: shop }"), Deployment());

        verdict.Allowed.ShouldBeTrue();
        verdict.Violations.ShouldNotBeEmpty();
        verdict.Violations.ShouldAllBe(v => v.PreExisting);
    }

    [Fact]
    public void A_deployment_whose_template_gains_a_root_container_is_denied()
    {
        var grown = Deployment(containers: """
            [{ name: app, image: "nginx:latest" }, { name: shell, image: "busybox:1.36", securityContext: { runAsUser: 0 } }]
            """);

        var verdict = Update(grown, Deployment());

        verdict.Allowed.ShouldBeFalse();
        verdict.Denials.ShouldContain(v => v.RuleId == "run-as-non-root" && v.Path == "spec.template.spec.containers[1].securityContext.runAsUser");
        verdict.Denials.ShouldContain(v => v.RuleId == "resource-requirements" && v.Path.StartsWith("spec.template.spec.containers[1]", StringComparison.Ordinal));
    }

    [Fact]
    public void Any_template_change_rolls_out_new_pods_and_so_is_judged_as_a_new_workload()
    {
        // kubectl set image: the new ReplicaSet and its pods are new objects; letting the Deployment through would
        // only move the refusal to a ReplicaSet nobody watches.
        var verdict = Update(Deployment(containers: """[{ name: app, image: "nginx:1.27" }]"""), Deployment(containers: """[{ name: app, image: "nginx:1.26" }]"""));

        verdict.Allowed.ShouldBeFalse();
        verdict.Violations.ShouldNotContain(v => v.PreExisting);
    }

    [Fact]
    public void A_replicaset_scaled_by_its_controller_with_an_unchanged_template_is_allowed()
    {
        var before = Deployment().Replace("kind: Deployment", "kind: ReplicaSet", StringComparison.Ordinal);
        var after = before.Replace("replicas: 2", "replicas: 0", StringComparison.Ordinal);

        Update(after, before).Allowed.ShouldBeTrue();
    }

    [Fact]
    public void Containers_are_matched_by_name_so_one_inserted_before_them_does_not_hide_or_shift_their_debt()
    {
        var before = PodTemplate($"[{Sized("app", "nginx:latest")}]");
        var after = PodTemplate($"[{Sized("proxy", "envoy:latest")}, {Sized("app", "nginx:latest")}]");

        var verdict = Update(after, before);

        verdict.Denials.ShouldHaveSingleItem().Actual.ShouldBe("envoy:latest");
        verdict.Warnings.ShouldHaveSingleItem().Path.ShouldBe("template.spec.containers[1].image");
    }

    [Fact]
    public void A_renamed_container_is_a_new_one()
    {
        Update(PodTemplate($"[{Sized("web", "nginx:latest")}]"), PodTemplate($"[{Sized("app", "nginx:latest")}]")).Allowed.ShouldBeFalse();
        Update(PodTemplate($"[{Sized("app", "nginx:latest")}]"), PodTemplate($"[{Sized("app", "nginx:latest")}]")).Allowed.ShouldBeTrue();
    }

    [Fact]
    public void A_violation_the_update_worsens_is_judged_again()
    {
        var policy = Support.Policy.Compile(Support.Policy.Pack("resource-requirements", "        maximum: { limits.memory: 1Gi }"));
        static string Template(string memory) => PodTemplate($"[{Sized("app", "x:1", memory)}]");

        policy.Evaluate(Template("4Gi"), operation: AdmissionOperation.Update, oldYaml: Template("2Gi")).Allowed.ShouldBeFalse();
        policy.Evaluate(Template("2Gi"), operation: AdmissionOperation.Update, oldYaml: Template("2Gi")).Allowed.ShouldBeTrue();
    }

    [Fact]
    public void Mutate_proposes_no_default_for_fields_an_update_does_not_touch()
    {
        var policy = Support.Policy.Compile(Support.Policy.Pack("resource-requirements", "        defaults: { requests.cpu: 100m, requests.memory: 64Mi, limits.memory: 64Mi }"));

        // A Pod's spec is immutable: a patch there would make the apiserver refuse the label change.
        var pod = policy.Evaluate(Pod(metadata: ", labels: { touched: \"yes\" }"), EvaluationMode.MutateThenValidate, operation: AdmissionOperation.Update, oldYaml: Pod());
        pod.Patch.IsEmpty.ShouldBeTrue();
        pod.Allowed.ShouldBeTrue();
        policy.Evaluate(Pod(), EvaluationMode.MutateThenValidate).Patch.IsEmpty.ShouldBeFalse();

        // A Deployment's template: patching it on a label change would roll the Deployment out.
        var relabelled = policy.Evaluate(Deployment(labels: "{ app: web, team: shop }"), EvaluationMode.MutateThenValidate, operation: AdmissionOperation.Update, oldYaml: Deployment());
        relabelled.Patch.IsEmpty.ShouldBeTrue();
        relabelled.Allowed.ShouldBeTrue();
    }

    [Fact]
    public void Mutate_still_fills_defaults_in_a_template_the_update_changes()
    {
        var policy = Support.Policy.Compile(Support.Policy.Pack("resource-requirements", "        defaults: { requests.cpu: 100m, requests.memory: 64Mi, limits.memory: 64Mi }"));
        var grown = Deployment(containers: """[{ name: app, image: "nginx:latest" }, { name: sidecar, image: "envoy:1.30" }]""");

        var verdict = policy.Evaluate(grown, EvaluationMode.MutateThenValidate, operation: AdmissionOperation.Update, oldYaml: Deployment());

        verdict.Allowed.ShouldBeTrue();
        verdict.Patch.Operations.Select(o => o.Path).ShouldBe(["/spec/template/spec/containers/0/resources", "/spec/template/spec/containers/1/resources"]);
    }
}
