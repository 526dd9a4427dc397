using Guardrails.E2E.Support;

namespace Guardrails.E2E;

/// <summary>
/// The day2 pack against a real apiserver: a PodDisruptionBudget that would block every node drain is refused at
/// <c>kubectl apply</c>, with the arithmetic, from the Deployment Guardrails' workload cache watched into being. The
/// run's Guardrails serves day2 switched on with pdb-allows-disruption in Enforce for namespaces labelled
/// <c>guardrails.dev/day2=enabled</c> (<see cref="RunPolicies"/>).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class Day2E2ETests(ClusterFixture cluster)
{
    private const int TestTimeoutMs = 180_000;
    private static readonly TimeSpan StateTimeout = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact(Timeout = TestTimeoutMs)]
    public async Task A_pdb_with_min_available_equal_to_its_deployments_replicas_is_refused_with_the_arithmetic()
    {
        cluster.SkipUnlessConfigured();
        var ns = await cluster.CreateNamespaceAsync("day2-pdb", Cancellation);
        (await cluster.Kubectl.RunAsync(["label", "namespace", ns, $"{RunPolicies.Day2Label}=enabled"], cancellationToken: Cancellation))
            .EnsureSuccess($"opting namespace {ns} into the day2 pack");
        (await cluster.ApplyAsync("Deployment web (2 replicas)", TestObjects.CompliantDeployment(ns, "web", cluster.RunId, replicas: 2), serverDryRun: false, Cancellation))
            .ShouldBeAdmitted("deployment.apps/web created");

        var budget = $"""
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata:
              name: web
              namespace: {ns}
              labels:
                {TestObjects.RunLabel}: "{cluster.RunId}"
            spec:
              minAvailable: 2
              selector:
                matchLabels:
                  app: web
            """;

        // The namespace's label and the Deployment reach Guardrails through its watches a moment after the apiserver
        // has them: server-side dry runs (which create nothing) probe until the budget is judged against them.
        await WaitUntilRefusedAsync(ns, budget);

        var result = await cluster.ApplyAsync("PodDisruptionBudget web (minAvailable 2 of 2)", budget, serverDryRun: false, Cancellation);

        result.ShouldBeRefusedByGuardrails("pdb-allows-disruption");
        result.Stderr.ShouldContain("spec.minAvailable", Case.Sensitive, result.ToString());
        result.Stderr.ShouldContain("PodDisruptionBudget web requires minAvailable 2 of 2 pods selected from Deployment web (2 replicas)", Case.Sensitive, result.ToString());
        result.Stderr.ShouldContain("2 - 2 = 0 pods may ever be evicted, so no node running them can be drained", Case.Sensitive, result.ToString());
        result.Stderr.ShouldContain("set minAvailable to 1 or less", Case.Sensitive, result.ToString());
        (await cluster.Kubectl.ExistsAsync("poddisruptionbudget.policy", "web", ns, Cancellation)).ShouldBeFalse();

        // The same budget one below the replicas leaves one eviction: admitted.
        var admitted = await cluster.ApplyAsync("PodDisruptionBudget web (minAvailable 1 of 2)", budget.Replace("minAvailable: 2", "minAvailable: 1", StringComparison.Ordinal), serverDryRun: false, Cancellation);
        admitted.ShouldBeAdmitted("poddisruptionbudget.policy/web created");
    }

    private async Task WaitUntilRefusedAsync(string ns, string budget)
    {
        KubectlResult? last = null;
        var refused = await Poll.UntilAsync(
            async ct =>
            {
                last = await cluster.Kubectl.RunAsync(["apply", "--dry-run=server", "-f", "-"], budget, cancellationToken: ct);
                return ClusterFixture.IsGuardrailsDenial(last) && last.Stderr.Contains("pdb-allows-disruption", StringComparison.Ordinal);
            },
            StateTimeout,
            Cancellation);
        if (!refused)
        {
            Assert.Fail(
                $"within {StateTimeout.TotalSeconds:0} s Guardrails did not refuse PodDisruptionBudget web (minAvailable 2 over Deployment web's 2 replicas) in {ns}: "
                + $"its live state does not see the namespace's day2 label or the Deployment, or the apiserver does not send it PodDisruptionBudgets.\nLast answer:\n{last}\nguardrails serve log:\n{cluster.Server.RecentLog}");
        }
    }
}
