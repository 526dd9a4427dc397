using Guardrails.E2E.Support;

namespace Guardrails.E2E;

/// <summary>
/// quota-fits against a real ResourceQuota: Guardrails judges a workload's whole demand up front, from the live
/// quota it watches, where Kubernetes itself would admit the Deployment and only fail its pods later.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class QuotaE2ETests(ClusterFixture cluster)
{
    private const int TestTimeoutMs = 180_000;
    private const string QuotaName = QuotaNamespace.QuotaName;
    private static readonly TimeSpan StateTimeout = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact(Timeout = TestTimeoutMs)]
    public async Task A_deployment_that_does_not_fit_the_quota_is_refused_with_the_arithmetic()
    {
        cluster.SkipUnlessConfigured();
        var ns = await NamespaceWithCpuQuotaAsync("quota-over");

        // 3 replicas × 500m (4 pods with the default 25% maxSurge) against requests.cpu: 1.
        var deployment = TestObjects.CompliantDeployment(ns, "too-big", cluster.RunId, replicas: 3, cpuRequest: "500m");
        await WaitUntilGuardrailsRefusesAsync(ns, deployment);

        var result = await cluster.ApplyAsync("Deployment over quota (3 × 500m against requests.cpu 1)", deployment, serverDryRun: false, Cancellation);

        result.ShouldBeRefusedByGuardrails("quota-fits");
        result.Stderr.ShouldContain("needs requests.cpu", Case.Sensitive, result.ToString());
        result.Stderr.ShouldContain($"ResourceQuota {QuotaName}", Case.Sensitive, result.ToString());
        (await cluster.Kubectl.ExistsAsync("deployment.apps", "too-big", ns, Cancellation)).ShouldBeFalse();
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task A_deployment_that_fits_the_quota_is_admitted()
    {
        cluster.SkipUnlessConfigured();
        var ns = await NamespaceWithCpuQuotaAsync("quota-fit");

        // First proof that Guardrails holds this quota; otherwise the admission below would show nothing.
        await WaitUntilGuardrailsRefusesAsync(ns, TestObjects.CompliantDeployment(ns, "probe", cluster.RunId, replicas: 3, cpuRequest: "500m"));

        // 1 replica × 250m, 2 pods during a rollout: 500m of the 1 CPU.
        var result = await cluster.ApplyAsync(
            "Deployment within quota (1 × 250m against requests.cpu 1)",
            TestObjects.CompliantDeployment(ns, "fits", cluster.RunId, replicas: 1, cpuRequest: "250m"),
            serverDryRun: false,
            Cancellation);

        result.ShouldBeAdmitted("deployment.apps/fits created");
        (await cluster.Kubectl.ExistsAsync("deployment.apps", "fits", ns, Cancellation)).ShouldBeTrue();
    }

    /// <summary>A namespace of this run with a ResourceQuota of one CPU in requests.</summary>
    private Task<string> NamespaceWithCpuQuotaAsync(string purpose) => QuotaNamespace.CreateAsync(cluster, purpose, "1", Cancellation);

    /// <summary>
    /// Guardrails reads quotas from a watch cache, never from the apiserver on the admission path, so it learns of a
    /// new quota a moment after the apiserver does. Server-side dry runs (which create nothing) probe until it has.
    /// </summary>
    private async Task WaitUntilGuardrailsRefusesAsync(string ns, string deployment)
    {
        KubectlResult? last = null;
        var refused = await Poll.UntilAsync(
            async ct =>
            {
                last = await cluster.Kubectl.RunAsync(["apply", "--dry-run=server", "-f", "-"], deployment, cancellationToken: ct);
                return ClusterFixture.IsGuardrailsDenial(last) && last.Stderr.Contains("quota-fits", StringComparison.Ordinal);
            },
            StateTimeout,
            Cancellation);
        if (!refused)
        {
            Assert.Fail(
                $"within {StateTimeout.TotalSeconds:0} s of ResourceQuota {QuotaName} in {ns} being in force, Guardrails did not refuse a Deployment "
                + $"over it: its live cluster state (--kubeconfig) does not see the quota.\nLast answer:\n{last}\nguardrails serve log:\n{cluster.Server.RecentLog}");
        }
    }
}
