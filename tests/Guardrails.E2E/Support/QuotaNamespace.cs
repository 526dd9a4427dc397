namespace Guardrails.E2E.Support;

/// <summary>A namespace of this run with a requests.cpu ResourceQuota, once the quota controller has filled in its status.</summary>
internal static class QuotaNamespace
{
    public const string QuotaName = "compute";
    private static readonly TimeSpan QuotaStatusTimeout = TimeSpan.FromSeconds(30);

    public static async Task<string> CreateAsync(ClusterFixture cluster, string purpose, string requestsCpu, CancellationToken cancellationToken)
    {
        var ns = await cluster.CreateNamespaceAsync(purpose, cancellationToken);
        (await cluster.Kubectl.RunAsync(["apply", "-f", "-"], TestObjects.CpuQuota(ns, QuotaName, cluster.RunId, requestsCpu), cancellationToken: cancellationToken))
            .EnsureSuccess("creating the ResourceQuota");

        // Until the quota controller writes status.hard the apiserver does not enforce the quota either; judging
        // against it before then would test a state no real request meets.
        var populated = await Poll.UntilAsync(
            async ct => (await cluster.Kubectl.RunAsync(["get", "resourcequota", QuotaName, "-n", ns, "-o", @"jsonpath={.status.hard.requests\.cpu}"], cancellationToken: ct))
                .EnsureSuccess("reading the ResourceQuota").Stdout.Trim().Length > 0,
            QuotaStatusTimeout,
            cancellationToken);
        populated.ShouldBeTrue($"ResourceQuota {QuotaName} in {ns} has no status.hard after {QuotaStatusTimeout.TotalSeconds:0} s");
        return ns;
    }
}
