using System.Diagnostics;
using System.Globalization;
using Guardrails.Webhook.Hosting.Tls;
using Guardrails.Webhook.Provisioning;

namespace Guardrails.E2E.Support;

/// <summary>
/// A real cluster with Guardrails registered in front of it, for one test collection: installs the Environment CRD,
/// starts <c>guardrails serve</c> here (with a copy of the packs whose platform settings list the run's own team, and
/// a run namespace for its provisioning Lease), registers it (fenced to this run's namespaces and objects), and waits
/// until the apiserver really calls it. Cleanup runs even when start-up or tests fail: the run's Environments first,
/// while Guardrails can still run their finalizer, then the webhooks, so a dead Guardrails never blocks anything, then
/// the run's namespaces, the CRD if the run installed it, and the process last. Without
/// <see cref="E2EEnvironment.KubeconfigVariable"/> it does nothing at all.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan EffectiveTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan NamespaceReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan EnvironmentDeleteTimeout = TimeSpan.FromSeconds(60);

    private Kubectl? _kubectl;
    private GuardrailsProcess? _server;
    private WebhookRegistration? _registration;
    private RepositoryCrd? _crd;
    private RepositoryCrd? _exceptionCrd;
    private PlatformSettings? _settings;
    private string? _admissionNamespace;
    private string? _workDirectory;
    private string? _provisioningConflict;
    private bool _cleanedUp;
    private K3sCluster? _k3s;
    private readonly List<(string Namespace, string Pod)> _heldPods = [];

    /// <summary>From GUARDRAILS_E2E_KUBECONFIG; without it, the K3s container started in <see cref="InitializeAsync"/>, if Docker is there.</summary>
    public E2EEnvironment Environment { get; private set; } = E2EEnvironment.FromProcess();

    /// <summary>Unique per run: in the webhook configurations' names, the namespaces' names, and the label that fences them.</summary>
    public string RunId { get; } = "r" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A namespace of this run where the webhooks apply; no quota in it.</summary>
    public string AdmissionNamespace => _admissionNamespace ?? throw NotStarted();

    /// <summary>
    /// The run's provisioning team, listed (with a budget of <see cref="RunPolicies.BudgetCpu"/> CPU and
    /// <see cref="RunPolicies.BudgetMemory"/>) only in the platform settings this run's Guardrails serves; its
    /// environments' namespaces, <c>{Team}-{name}</c>, can therefore never collide with another run's.
    /// </summary>
    public string Team => $"e2e-{RunId}";

    /// <summary>
    /// Guardrails' <c>--namespace</c>: a run namespace (<c>guardrails-e2e-{run}-system</c>) holding its provisioning
    /// Lease. Nothing under test is in it, so nothing under test is exempt.
    /// </summary>
    internal string OwnNamespace => $"guardrails-e2e-{RunId}-system";

    /// <summary>The platform settings the run's Guardrails serves, read back with the product's parser.</summary>
    internal PlatformSettings Settings => _settings ?? throw NotStarted();

    internal Kubectl Kubectl => _kubectl ?? throw NotStarted();

    internal GuardrailsProcess Server => _server ?? throw NotStarted();

    public async ValueTask InitializeAsync()
    {
        if (!Environment.IsConfigured)
        {
            _k3s = await K3sCluster.TryStartAsync(TestContext.Current.CancellationToken);
            if (_k3s is null)
            {
                // No cluster and no Docker: nothing is started; every test skips itself with E2EEnvironment.SkipMessage.
                return;
            }

            Log($"no {E2EEnvironment.KubeconfigVariable}: started K3s ({_k3s.Image}) in a container; kubeconfig {_k3s.Kubeconfig}");
            Environment = E2EEnvironment.Read(_k3s.Kubeconfig, K3sCluster.WebhookHost);
        }

        Environment.Validate();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(StartTimeout);
        try
        {
            await StartAsync(limit.Token);
        }
        catch (Exception startFailure)
        {
            // xunit does not dispose a fixture whose start failed, and what did start must not outlive the run.
            try
            {
                await CleanupAsync();
            }
            catch (AggregateException cleanupFailure)
            {
                throw new AggregateException(startFailure, cleanupFailure);
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync() => await CleanupAsync();

    /// <summary>The first line of every test: without a cluster the test is reported skipped, with the reason.</summary>
    public void SkipUnlessConfigured() => Environment.SkipUnlessConfigured();

    /// <summary>
    /// The first line of every provisioning test: skipped without a cluster; failed, with the reason, when the cluster
    /// holds something the run's provisioning controller must not touch (it was then never allowed to lead).
    /// </summary>
    public void RequireProvisioning()
    {
        SkipUnlessConfigured();
        if (_provisioningConflict is not null)
        {
            Assert.Fail($"provisioning was not enabled for this run: {_provisioningConflict}");
        }
    }

    /// <summary>
    /// A pod a test gave a finalizer of its own: if the test fails before removing it, cleanup removes it once the
    /// webhooks are gone, so the pod cannot hold its namespace in Terminating.
    /// </summary>
    internal void ReleaseAtCleanup(string @namespace, string pod)
    {
        lock (_heldPods)
        {
            _heldPods.Add((@namespace, pod));
        }
    }

    /// <summary>A fresh namespace of this run (labelled, so the webhooks apply), ready for pods.</summary>
    internal async Task<string> CreateNamespaceAsync(string purpose, CancellationToken cancellationToken)
    {
        var name = $"guardrails-e2e-{RunId}-{purpose}";
        if (name.Length > 63)
        {
            throw new ArgumentException($"namespace name '{name}' is longer than 63 characters", nameof(purpose));
        }

        (await Kubectl.RunAsync(["create", "-f", "-"], TestObjects.Namespace(name, RunId), cancellationToken: cancellationToken))
            .EnsureSuccess($"creating namespace {name}");

        // Pods are refused until the namespace's default ServiceAccount exists, before any webhook is asked; a test
        // that raced it would see a refusal that is not Guardrails'.
        var ready = await Poll.UntilAsync(ct => Kubectl.ExistsAsync("serviceaccount", "default", name, ct), NamespaceReadyTimeout, cancellationToken);
        if (!ready)
        {
            throw new TimeoutException($"namespace {name} has no default ServiceAccount after {NamespaceReadyTimeout.TotalSeconds:0} s");
        }

        return name;
    }

    /// <summary>
    /// <c>kubectl apply</c> of <paramref name="yaml"/> (a server-side dry run when asked), logging how long the
    /// admission call took: kubectl's whole run, and the apiserver round trip (webhooks included) from its log.
    /// </summary>
    internal async Task<KubectlResult> ApplyAsync(string what, string yaml, bool serverDryRun, CancellationToken cancellationToken)
    {
        List<string> arguments = ["apply", "-f", "-", "-v=6"];
        if (serverDryRun)
        {
            arguments.Add("--dry-run=server");
        }

        var result = await Kubectl.RunAsync(arguments, yaml, cancellationToken: cancellationToken);
        var writes = result.ApiCalls.Where(c => c.Method is "POST" or "PUT" or "PATCH").ToList();
        var roundTrips = writes.Count == 0 ? "not in kubectl's log" : string.Join(", ", writes);
        Log(string.Create(CultureInfo.InvariantCulture,
            $"{what}: {(result.Succeeded ? "admitted" : "refused")}; kubectl {result.Elapsed.TotalMilliseconds:0} ms, apiserver round trip: {roundTrips}"));
        return result;
    }

    /// <summary>How many objects of <paramref name="kind"/> Guardrails' /validate answered with <paramref name="verdict"/>.</summary>
    internal Task<double> ValidateCountAsync(string kind, string verdict, CancellationToken cancellationToken) =>
        Server.ReadCounterAsync(
            "guardrails_requests_total",
            new Dictionary<string, string> { ["door"] = "admission", ["operation"] = "validate", ["kind"] = kind, ["verdict"] = verdict },
            cancellationToken);

    /// <summary>To the running test's output; during start-up (no test yet) to the diagnostic messages.</summary>
    internal static void Log(string message)
    {
        if (TestContext.Current.TestOutputHelper is { } output)
        {
            output.WriteLine(message);
        }
        else
        {
            TestContext.Current.SendDiagnosticMessage(message);
        }
    }

    /// <summary>True when the apiserver's answer is a refusal from this run's Guardrails /validate.</summary>
    internal static bool IsGuardrailsDenial(KubectlResult result) =>
        !result.Succeeded
        && result.Stderr.Contains($"admission webhook \"{WebhookManifests.ValidatingWebhookName}\" denied the request", StringComparison.Ordinal);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        _kubectl = new Kubectl(Environment.Kubeconfig!);

        // Before anything is started: an unreachable cluster fails here, in kubectl's own words.
        (await _kubectl.RunAsync(["get", "--raw", "/version"], timeout: TimeSpan.FromSeconds(30), cancellationToken: cancellationToken))
            .EnsureSuccess($"reaching the cluster of {Environment.Kubeconfig}");
        Log($"E2E run {RunId}: cluster reachable");

        // Written (and loaded with the product's readers) before the cluster is touched: a broken copy fails here.
        _workDirectory = Directory.CreateTempSubdirectory("guardrails-e2e-policies-").FullName;
        var policies = Path.Combine(_workDirectory, "policies");
        _settings = RunPolicies.Write(policies, Team);

        // Before serve starts: its Environment watch would otherwise back off (up to 30 s) while the CRD is missing.
        _crd = await RepositoryCrd.LookUpAsync(_kubectl, RepositoryCrd.Environments, cancellationToken);
        await _crd.InstallAsync(_kubectl, cancellationToken);
        Log($"CRD {_crd.Name} established ({(_crd.ExistedBefore ? "it was already installed and stays" : "installed by this run, removed at the end")})");

        // The run's packs let developers waive run-as-non-root (RunPolicies), so its exception cases need the kind served.
        _exceptionCrd = await RepositoryCrd.LookUpAsync(_kubectl, RepositoryCrd.PolicyExceptions, cancellationToken);
        await _exceptionCrd.InstallAsync(_kubectl, cancellationToken);
        Log($"CRD {_exceptionCrd.Name} established ({(_exceptionCrd.ExistedBefore ? "it was already installed and stays" : "installed by this run, removed at the end")})");

        // The controller leads (and so provisions) only once its Lease namespace exists; on a conflict it never does.
        _provisioningConflict = await ProvisioningPreflight.FindConflictAsync(_kubectl, _crd.ExistedBefore, cancellationToken);
        if (_provisioningConflict is null)
        {
            await CreateNamespaceAsync("system", cancellationToken);
        }
        else
        {
            Log($"provisioning stays off for this run (its cases will fail saying why): {_provisioningConflict}");
        }

        Log($"starting guardrails serve with {policies} (team {Team} added to platform.yaml) and --namespace {OwnNamespace}");

        _server = await GuardrailsProcess.StartAsync(Environment, policies, OwnNamespace, cancellationToken);
        Log($"guardrails serve ready at {_server.BaseAddress}");
        _admissionNamespace = await CreateNamespaceAsync("admission", cancellationToken);

        var url = _server.BaseAddress.GetLeftPart(UriPartial.Authority);
        var caBundle = await File.ReadAllTextAsync(_server.CaFile, cancellationToken);
        _registration = await WebhookRegistration.ApplyAsync(_kubectl, caBundle, url, RunId, OwnNamespace, cancellationToken);
        Log($"webhook configurations {_registration.Name} registered for {url}");
        await WaitUntilEffectiveAsync(cancellationToken);
    }

    /// <summary>
    /// The apiserver picks new webhook configurations up asynchronously; until a non-compliant pod is refused by
    /// Guardrails, a test could be admitted for the wrong reason. A server-side dry run creates nothing meanwhile.
    /// </summary>
    private async Task WaitUntilEffectiveAsync(CancellationToken cancellationToken)
    {
        var probe = TestObjects.NonCompliantPod(AdmissionNamespace, "webhook-probe", RunId);
        var watch = Stopwatch.StartNew();
        KubectlResult? last = null;
        var effective = await Poll.UntilAsync(
            async ct =>
            {
                if (Server.HasExited)
                {
                    throw new InvalidOperationException($"guardrails serve exited while the webhooks were being registered:\n{Server.RecentLog}");
                }

                last = await Kubectl.RunAsync(["create", "--dry-run=server", "-f", "-"], probe, timeout: TimeSpan.FromSeconds(30), cancellationToken: ct);
                return IsGuardrailsDenial(last) && last.Stderr.Contains("run-as-non-root", StringComparison.Ordinal);
            },
            EffectiveTimeout,
            cancellationToken);
        if (!effective)
        {
            throw new TimeoutException(
                $"within {EffectiveTimeout.TotalSeconds:0} s the apiserver did not refuse a non-compliant pod through Guardrails. "
                + $"The apiserver must reach {Server.BaseAddress} ({E2EEnvironment.WebhookHostVariable}; see README, Running against a cluster).\n"
                + $"Last answer:\n{last}\nguardrails serve log:\n{Server.RecentLog}");
        }

        Log(string.Create(CultureInfo.InvariantCulture, $"webhooks effective after {watch.Elapsed.TotalMilliseconds:0} ms"));
    }

    private async Task ReleaseHeldPodsAsync(Kubectl kubectl, List<Exception> failures)
    {
        (string Namespace, string Pod)[] held;
        lock (_heldPods)
        {
            held = [.. _heldPods];
        }

        foreach (var (ns, pod) in held)
        {
            try
            {
                var patched = await kubectl.RunAsync(
                    ["patch", "pod", pod, "-n", ns, "--type=merge", "-p", """{"metadata":{"finalizers":null}}"""],
                    cancellationToken: CancellationToken.None);
                if (!patched.Succeeded && !patched.Stderr.Contains("NotFound", StringComparison.Ordinal) && !patched.Stderr.Contains("not found", StringComparison.Ordinal))
                {
                    failures.Add(new InvalidOperationException($"removing the finalizer of pod {ns}/{pod} failed:\n{patched}"));
                }
            }
            catch (TimeoutException ex)
            {
                failures.Add(ex);
            }
        }
    }

    private async Task CleanupAsync()
    {
        if (_cleanedUp)
        {
            return;
        }

        _cleanedUp = true;
        var failures = new List<Exception>();

        // 1. The run's Environments, while Guardrails still runs: its finalizer removes each one's namespace, and
        //    nothing else can (an Environment whose finalizer never runs stays forever, and so would the CRD).
        //    Without a running Guardrails there is nobody to wait for: step 3 removes them.
        var environmentsLeft = false;
        if (_crd is { Established: true } && _kubectl is not null)
        {
            environmentsLeft = _server is not { HasExited: false } || await DeleteEnvironmentsAsync(_kubectl, failures);
        }

        // 2. The webhooks, while Guardrails still answers: from here on nothing in the cluster depends on it.
        if (_registration is not null && _kubectl is not null)
        {
            try
            {
                await _registration.DeleteAsync(_kubectl);
            }
            catch (InvalidOperationException ex)
            {
                failures.Add(ex);
            }
        }

        // 2b. Test pods' own finalizers, now that no webhook judges their removal.
        if (_kubectl is not null)
        {
            await ReleaseHeldPodsAsync(_kubectl, failures);
        }

        // 3. What step 1 could not remove: finalizers dropped by hand (no webhook judges that any more), and the
        //    namespaces of the run's team, so that neither they nor the CRD are left behind.
        if (environmentsLeft && _kubectl is not null)
        {
            await ForceRemoveEnvironmentsAsync(_kubectl, failures);
        }

        // 4. Every namespace of this run, by label, so one created by a call that timed out client-side goes too.
        //    Not waited for: namespace finalization can take minutes and nothing depends on it.
        if (_kubectl is not null)
        {
            try
            {
                var deleted = await _kubectl.RunAsync(
                    ["delete", "namespace", "-l", $"{TestObjects.RunLabel}={RunId}", "--wait=false", "--ignore-not-found"],
                    cancellationToken: CancellationToken.None);
                if (!deleted.Succeeded)
                {
                    failures.Add(new InvalidOperationException($"deleting this run's namespaces failed:\n{deleted}"));
                }
            }
            catch (TimeoutException ex)
            {
                failures.Add(ex);
            }
        }

        // 5. The CRDs, only if this run installed them, and only now that the run's Environments and namespaces are gone.
        foreach (var crd in new[] { _crd, _exceptionCrd })
        {
            if (crd is not null && _kubectl is not null && await crd.DeleteIfInstalledByRunAsync(_kubectl) is { } crdFailure)
            {
                failures.Add(new InvalidOperationException(crdFailure));
            }
        }

        // 6. The process, last, so it could answer the apiserver until its registration was gone.
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_workDirectory is not null)
        {
            try
            {
                Directory.Delete(_workDirectory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: a temp dir left behind is not a test failure.
            }
        }

        // 7. A K3s container this run started: the whole cluster goes, so nothing of the run can be left in it.
        if (_k3s is not null)
        {
            await _k3s.DisposeAsync();
        }

        if (failures.Count > 0)
        {
            throw new AggregateException($"cleaning up E2E run {RunId} (label {TestObjects.RunLabel}={RunId}) failed", failures);
        }
    }

    /// <summary>Deletes the run's Environments and waits (bounded) for their finalizer; true when some are left.</summary>
    private async Task<bool> DeleteEnvironmentsAsync(Kubectl kubectl, List<Exception> failures)
    {
        var seconds = (int)EnvironmentDeleteTimeout.TotalSeconds;
        try
        {
            // Not the test's token: cleanup must run even when the test was cancelled.
            var deleted = await kubectl.RunAsync(
                ["delete", EnvironmentObjects.Resource, "-l", $"{TestObjects.RunLabel}={RunId}", "--ignore-not-found", "--wait=true", $"--timeout={seconds}s"],
                timeout: EnvironmentDeleteTimeout + TimeSpan.FromSeconds(15),
                cancellationToken: CancellationToken.None);
            if (deleted.Succeeded)
            {
                return false;
            }

            failures.Add(new InvalidOperationException(
                $"the run's Environments were not removed within {seconds} s (Guardrails' finalizer {ProvisioningApi.Finalizer} did not run); "
                + $"their finalizers are removed by hand next:\n{deleted}\nguardrails serve log:\n{_server?.RecentLog}"));
        }
        catch (TimeoutException ex)
        {
            failures.Add(ex);
        }

        return true;
    }

    private async Task ForceRemoveEnvironmentsAsync(Kubectl kubectl, List<Exception> failures)
    {
        try
        {
            var left = await kubectl.RunAsync(
                ["get", EnvironmentObjects.Resource, "-l", $"{TestObjects.RunLabel}={RunId}", "-o", "name"], cancellationToken: CancellationToken.None);
            foreach (var name in left.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                // Marked deleted first (step 1 may have timed out before asking): no finalizer can be added after that.
                await kubectl.RunAsync(["delete", name, "--wait=false", "--ignore-not-found"], cancellationToken: CancellationToken.None);
                var patched = await kubectl.RunAsync(
                    ["patch", name, "--type=merge", "-p", """{"metadata":{"finalizers":null}}"""], cancellationToken: CancellationToken.None);
                if (!patched.Succeeded && !patched.Stderr.Contains("NotFound", StringComparison.Ordinal) && !patched.Stderr.Contains("not found", StringComparison.Ordinal))
                {
                    failures.Add(new InvalidOperationException($"removing the finalizer of {name} failed:\n{patched}"));
                }
            }

            var namespaces = await kubectl.RunAsync(
                ["delete", "namespace", "-l", $"{ProvisioningLabels.Team}={Team}", "--wait=false", "--ignore-not-found"], cancellationToken: CancellationToken.None);
            if (!namespaces.Succeeded)
            {
                failures.Add(new InvalidOperationException($"deleting the namespaces of team {Team} failed:\n{namespaces}"));
            }
        }
        catch (TimeoutException ex)
        {
            failures.Add(ex);
        }
    }

    private static InvalidOperationException NotStarted() =>
        new("the cluster fixture is not started: call SkipUnlessConfigured() first in every test");
}
