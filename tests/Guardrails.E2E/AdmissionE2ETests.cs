using Guardrails.E2E.Support;

namespace Guardrails.E2E;

/// <summary>
/// The admission door through a real apiserver: what a developer running kubectl sees once Guardrails is
/// registered. Every object goes through <c>kubectl apply</c>, exactly as a user would send it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class AdmissionE2ETests(ClusterFixture cluster)
{
    private const int TestTimeoutMs = 180_000;
    private static readonly TimeSpan RolloutTimeout = TimeSpan.FromSeconds(60);
    private static readonly string[] BaselineRules = ["run-as-non-root", "resource-requirements", "image-tag"];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact(Timeout = TestTimeoutMs)]
    public async Task A_non_compliant_pod_is_refused_with_every_violation()
    {
        cluster.SkipUnlessConfigured();
        var ns = cluster.AdmissionNamespace;

        var result = await cluster.ApplyAsync("non-compliant Pod", TestObjects.NonCompliantPod(ns, "bad-pod", cluster.RunId), serverDryRun: false, Cancellation);

        result.ShouldBeRefusedByGuardrails(BaselineRules);
        (await cluster.Kubectl.ExistsAsync("pod", "bad-pod", ns, Cancellation)).ShouldBeFalse();
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task A_non_compliant_deployment_is_refused_with_every_violation()
    {
        cluster.SkipUnlessConfigured();
        var ns = cluster.AdmissionNamespace;

        var result = await cluster.ApplyAsync(
            "non-compliant Deployment", TestObjects.NonCompliantDeployment(ns, "bad-deployment", cluster.RunId), serverDryRun: false, Cancellation);

        result.ShouldBeRefusedByGuardrails(BaselineRules);

        // The path proves the rules read the pod template, not some field that happens to share a name.
        result.Stderr.ShouldContain("spec.template.spec.containers[0]", Case.Sensitive, result.ToString());
        (await cluster.Kubectl.ExistsAsync("deployment.apps", "bad-deployment", ns, Cancellation)).ShouldBeFalse();
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task A_compliant_pod_is_admitted()
    {
        cluster.SkipUnlessConfigured();
        var ns = cluster.AdmissionNamespace;
        var allowedBefore = await cluster.ValidateCountAsync("Pod", "allowed", Cancellation);

        var result = await cluster.ApplyAsync("compliant Pod", TestObjects.CompliantPod(ns, "good-pod", cluster.RunId), serverDryRun: false, Cancellation);

        result.ShouldBeAdmitted("pod/good-pod created");
        (await cluster.Kubectl.ExistsAsync("pod", "good-pod", ns, Cancellation)).ShouldBeTrue();

        // Admitted because Guardrails said yes, not because the apiserver never asked it.
        (await cluster.ValidateCountAsync("Pod", "allowed", Cancellation)).ShouldBeGreaterThan(allowedBefore, "Guardrails' /validate was not called for the pod");
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task A_compliant_deployment_is_admitted_and_its_pods_too()
    {
        cluster.SkipUnlessConfigured();
        var ns = cluster.AdmissionNamespace;
        var allowedBefore = await cluster.ValidateCountAsync("Deployment", "allowed", Cancellation);

        var result = await cluster.ApplyAsync(
            "compliant Deployment", TestObjects.CompliantDeployment(ns, "good-deployment", cluster.RunId), serverDryRun: false, Cancellation);

        result.ShouldBeAdmitted("deployment.apps/good-deployment created");
        (await cluster.Kubectl.ExistsAsync("deployment.apps", "good-deployment", ns, Cancellation)).ShouldBeTrue();
        (await cluster.ValidateCountAsync("Deployment", "allowed", Cancellation)).ShouldBeGreaterThan(allowedBefore, "Guardrails' /validate was not called for the deployment");

        // The controllers' ReplicaSet and Pod go through the same webhooks; a Deployment whose pods are then refused
        // would be "admitted" in name only. status.replicas counts pods created, running or not (no image pull needed).
        string? replicas = null;
        var created = await Poll.UntilAsync(
            async ct =>
            {
                replicas = (await cluster.Kubectl.RunAsync(["get", "deployment.apps", "good-deployment", "-n", ns, "-o", "jsonpath={.status.replicas}"], cancellationToken: ct))
                    .EnsureSuccess("reading the deployment's status").Stdout.Trim();
                return replicas == "1";
            },
            RolloutTimeout,
            Cancellation);
        if (!created)
        {
            var events = await cluster.Kubectl.RunAsync(["get", "events", "-n", ns, "--sort-by=.lastTimestamp"], cancellationToken: Cancellation);
            Assert.Fail($"the deployment's pod was not created within {RolloutTimeout.TotalSeconds:0} s (status.replicas '{replicas}'); events:\n{events.Stdout}{events.Stderr}");
        }
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task A_server_side_dry_run_of_a_non_compliant_deployment_is_refused_and_creates_nothing()
    {
        cluster.SkipUnlessConfigured();
        var ns = cluster.AdmissionNamespace;

        var result = await cluster.ApplyAsync(
            "dry run: non-compliant Deployment", TestObjects.NonCompliantDeployment(ns, "dry-bad", cluster.RunId), serverDryRun: true, Cancellation);

        result.ShouldBeRefusedByGuardrails(BaselineRules);
        (await cluster.Kubectl.ExistsAsync("deployment.apps", "dry-bad", ns, Cancellation)).ShouldBeFalse();
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task A_server_side_dry_run_of_a_compliant_deployment_is_answered_and_creates_nothing()
    {
        cluster.SkipUnlessConfigured();
        var ns = cluster.AdmissionNamespace;
        var allowedBefore = await cluster.ValidateCountAsync("Deployment", "allowed", Cancellation);

        var result = await cluster.ApplyAsync(
            "dry run: compliant Deployment", TestObjects.CompliantDeployment(ns, "dry-good", cluster.RunId), serverDryRun: true, Cancellation);

        result.ShouldBeAdmitted("deployment.apps/dry-good created (server dry run)");
        (await cluster.ValidateCountAsync("Deployment", "allowed", Cancellation)).ShouldBeGreaterThan(allowedBefore, "Guardrails' /validate was not called for the dry run");
        (await cluster.Kubectl.ExistsAsync("deployment.apps", "dry-good", ns, Cancellation)).ShouldBeFalse();
    }
}
