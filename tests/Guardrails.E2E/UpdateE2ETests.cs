using Guardrails.E2E.Support;

namespace Guardrails.E2E;

/// <summary>
/// Rolling Guardrails out over a cluster that already runs things: a pod that breaks the packs and existed before
/// Guardrails judged it must stay operable — labelled, deleted, its finalizer removed — as a real apiserver and its
/// controllers do it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class UpdateE2ETests(ClusterFixture cluster)
{
    private const int TestTimeoutMs = 180_000;
    private const string Finalizer = "guardrails-e2e.example.com/hold";
    private static readonly TimeSpan GoneTimeout = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact(Timeout = TestTimeoutMs)]
    public async Task A_violating_pod_created_before_guardrails_judged_it_can_be_labelled_deleted_and_released()
    {
        cluster.SkipUnlessConfigured();
        var ns = cluster.AdmissionNamespace;
        const string name = "legacy-pod";

        // Without the run label the webhooks' objectSelector leaves the pod alone: for Guardrails it is created
        // before it was registered. nginx:latest, no resources, no securityContext: three rules broken.
        var legacy = $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
              namespace: {{ns}}
              finalizers: [{{Finalizer}}]
            spec:
              terminationGracePeriodSeconds: 0
              containers:
                - name: web
                  image: nginx:latest
            """;
        cluster.ReleaseAtCleanup(ns, name);
        (await cluster.Kubectl.RunAsync(["create", "-f", "-"], legacy, cancellationToken: Cancellation)).EnsureSuccess("creating the pre-existing pod outside the webhooks' selector");
        var warnedBefore = await cluster.ValidateCountAsync("Pod", "warned", Cancellation);

        // Labelling it with the run label brings it under the webhooks: this UPDATE is the first Guardrails sees.
        var labelled = await cluster.Kubectl.RunAsync(["label", "pod", name, "-n", ns, $"{TestObjects.RunLabel}={cluster.RunId}"], cancellationToken: Cancellation);
        labelled.Succeeded.ShouldBeTrue($"labelling the pre-existing pod was refused:\n{labelled}");
        labelled.Stderr.ShouldContain("pre-existing: [image-tag]", Case.Sensitive, labelled.ToString());
        (await cluster.ValidateCountAsync("Pod", "warned", Cancellation)).ShouldBeGreaterThan(warnedBefore, "Guardrails' /validate was not called for the label change");

        var touched = await cluster.Kubectl.RunAsync(["label", "pod", name, "-n", ns, "touched=yes"], cancellationToken: Cancellation);
        touched.Succeeded.ShouldBeTrue($"a second label change was refused:\n{touched}");

        (await cluster.Kubectl.RunAsync(["delete", "pod", name, "-n", ns, "--wait=false"], cancellationToken: Cancellation)).EnsureSuccess("deleting the pod");
        var marked = await Poll.UntilAsync(
            async ct => (await cluster.Kubectl.RunAsync(["get", "pod", name, "-n", ns, "-o", "jsonpath={.metadata.deletionTimestamp}"], cancellationToken: ct)).Stdout.Trim().Length > 0,
            GoneTimeout,
            Cancellation);
        marked.ShouldBeTrue("the apiserver did not mark the pod as deleting");

        // What every controller that owns a finalizer does last; refused, the pod would stay Terminating forever.
        var released = await cluster.Kubectl.RunAsync(["patch", "pod", name, "-n", ns, "--type=json", "-p", """[{"op":"remove","path":"/metadata/finalizers"}]"""], cancellationToken: Cancellation);
        released.Succeeded.ShouldBeTrue($"removing the finalizer of the deleting pod was refused:\n{released}");

        var gone = await Poll.UntilAsync(async ct => !await cluster.Kubectl.ExistsAsync("pod", name, ns, ct), GoneTimeout, Cancellation);
        gone.ShouldBeTrue($"the pod was not gone {GoneTimeout.TotalSeconds:0} s after its finalizer was removed");
    }
}
