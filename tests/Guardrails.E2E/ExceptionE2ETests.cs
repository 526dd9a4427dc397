using System.Globalization;
using Guardrails.E2E.Support;

namespace Guardrails.E2E;

/// <summary>
/// Self-serve exceptions against a real apiserver: the developer's path from a denial to a PolicyException applied
/// with <c>kubectl</c> to the same Deployment admitted with a warning, and an exception beyond the platform team's
/// bounds refused at <c>kubectl apply</c>. The run's packs let developers waive run-as-non-root for at most
/// <see cref="RunPolicies.ExceptionMaxDuration"/> (<see cref="RunPolicies"/>), and its webhooks receive PolicyExceptions.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ExceptionE2ETests(ClusterFixture cluster)
{
    private const int TestTimeoutMs = 180_000;
    private static readonly TimeSpan CacheTimeout = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact(Timeout = TestTimeoutMs)]
    public async Task A_denied_deployment_is_admitted_with_a_warning_once_its_developer_applies_an_exception()
    {
        cluster.SkipUnlessConfigured();
        var ns = await cluster.CreateNamespaceAsync("exceptions", Cancellation);
        var deployment = RootDeployment(ns, "vendor-agent");

        var denied = await cluster.ApplyAsync("Deployment vendor-agent (runAsNonRoot: false)", deployment, serverDryRun: false, Cancellation);
        denied.ShouldBeRefusedByGuardrails("run-as-non-root");
        denied.Stderr.ShouldContain("PolicyException", Case.Sensitive, $"the denial's fix does not say how to ask for an exception:\n{denied}");

        var exception = Exception(ns, "vendor-agent-root", "vendor-agent", DateTimeOffset.UtcNow.AddDays(1));
        (await cluster.ApplyAsync("PolicyException vendor-agent-root (1 day)", exception, serverDryRun: false, Cancellation))
            .ShouldBeAdmitted("policyexception.guardrails.dev/vendor-agent-root created");

        // Who asked is what the apiserver told Guardrails (the kubeconfig's user), not a field anyone wrote.
        var requester = await cluster.Kubectl.RunAsync(
            ["get", "policyexception", "vendor-agent-root", "-n", ns, "-o", "jsonpath={.metadata.annotations.guardrails\\.dev/requested-by}"],
            cancellationToken: Cancellation);
        requester.EnsureSuccess("reading the exception's recorded requester");
        requester.Stdout.Trim().ShouldNotBeEmpty($"Guardrails recorded no requester on the exception:\n{requester}");

        // The exception reaches Guardrails through its watch a moment after the apiserver stores it: server-side dry
        // runs (which create nothing) probe until the Deployment is admitted.
        KubectlResult? probe = null;
        var covered = await Poll.UntilAsync(
            async ct =>
            {
                probe = await cluster.Kubectl.RunAsync(["apply", "--dry-run=server", "-f", "-"], deployment, cancellationToken: ct);
                return probe.Succeeded;
            },
            CacheTimeout,
            Cancellation);
        covered.ShouldBeTrue(
            $"within {CacheTimeout.TotalSeconds:0} s the exception did not cover Deployment vendor-agent in {ns}.\nLast answer:\n{probe}\nguardrails serve log:\n{cluster.Server.RecentLog}");

        var admitted = await cluster.ApplyAsync("Deployment vendor-agent (excepted)", deployment, serverDryRun: false, Cancellation);
        admitted.ShouldBeAdmitted("deployment.apps/vendor-agent created");
        admitted.Stderr.ShouldContain($"excepted by PolicyException {ns}/vendor-agent-root until ", Case.Sensitive, admitted.ToString());
        admitted.Stderr.ShouldContain("[run-as-non-root]", Case.Sensitive, admitted.ToString());
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task An_exception_beyond_the_packs_bounds_is_refused_at_kubectl_apply_with_what_is_allowed()
    {
        cluster.SkipUnlessConfigured();
        var ns = await cluster.CreateNamespaceAsync("exceptions-beyond", Cancellation);

        var tooLong = Exception(ns, "for-a-month", "vendor-agent", DateTimeOffset.UtcNow.AddDays(30));
        var refused = await cluster.ApplyAsync("PolicyException for-a-month (30 days)", tooLong, serverDryRun: false, Cancellation);

        refused.ShouldBeRefusedByGuardrails();
        refused.Stderr.ShouldContain($"Guardrails refused PolicyException {ns}/for-a-month", Case.Sensitive, refused.ToString());
        refused.Stderr.ShouldContain($"beyond the {RunPolicies.ExceptionMaxDuration} allowed", Case.Sensitive, refused.ToString());
        refused.Stderr.ShouldContain($"Allowed: self-service for at most {RunPolicies.ExceptionMaxDuration}, with a reason", Case.Sensitive, refused.ToString());
        (await cluster.Kubectl.ExistsAsync("policyexception.guardrails.dev", "for-a-month", ns, Cancellation)).ShouldBeFalse();
    }

    /// <summary>Compliant but for running as root: only run-as-non-root denies it.</summary>
    private string RootDeployment(string ns, string name)
    {
        var compliant = TestObjects.CompliantDeployment(ns, name, cluster.RunId);
        compliant.ShouldContain("runAsNonRoot: true", Case.Sensitive, "TestObjects.CompliantDeployment no longer sets runAsNonRoot: update this test");
        return compliant.Replace("runAsNonRoot: true", "runAsNonRoot: false", StringComparison.Ordinal);
    }

    private string Exception(string ns, string name, string deployment, DateTimeOffset expires) => $"""
        apiVersion: guardrails.dev/v1alpha1
        kind: PolicyException
        metadata:
          name: {name}
          namespace: {ns}
          labels:
            {TestObjects.RunLabel}: "{cluster.RunId}"
        spec:
          rule: run-as-non-root
          target:
            kind: Deployment
            name: {deployment}
          reason: the vendor ships a non-root image next week
          expires: "{expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}"
        """;
}
