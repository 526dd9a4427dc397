using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Guardrails.E2E.Support;
using Guardrails.Policies.Quantities;
using Guardrails.Webhook.Provisioning;

namespace Guardrails.E2E;

/// <summary>
/// Self-serve provisioning through a real apiserver: an Environment applied with kubectl is pre-checked by Guardrails'
/// webhook, provisioned by its controller into a namespace with quota, limits, network policy and RBAC, and removed
/// with its namespace when deleted; a bad one is refused at <c>kubectl apply</c>; the REST door answers a dry run with
/// the plan. Every Environment belongs to the run's own team (<see cref="ClusterFixture.Team"/>), which only the run's
/// copy of the platform settings lists, so runs never share names, namespaces or budget.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ProvisioningE2ETests(ClusterFixture cluster)
{
    private const int TestTimeoutMs = 180_000;
    private const int DeletionTestTimeoutMs = 300_000;

    // Sizes well inside the run team's budget (RunPolicies: 4 CPU, 8Gi), so the environments of several cases fit at once.
    private const string Cpu = "1";
    private const string Memory = "1Gi";
    private const string Pods = "10";

    // Far over any budget, whatever else the team holds at that moment.
    private const string OverBudgetCpu = "100";

    private const string Resource = EnvironmentObjects.Resource;
    private const string RestPath = "/api/v1/environments";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DeleteTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan NamespaceGoneTimeout = TimeSpan.FromSeconds(90);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact(Timeout = TestTimeoutMs)]
    public async Task An_environment_applied_with_kubectl_becomes_ready_with_its_namespace_quota_limits_network_policy_and_rbac()
    {
        cluster.RequireProvisioning();
        var name = $"{cluster.Team}-web";
        var asked = await EnvironmentValidationsAsync();
        var watch = Stopwatch.StartNew();

        var applied = await cluster.ApplyAsync(
            $"Environment {name}", EnvironmentObjects.Environment(cluster.Team, "web", cluster.RunId, Cpu, Memory, Pods), serverDryRun: false, Cancellation);

        applied.ShouldBeAdmitted($"environment.guardrails.dev/{name} created");

        // Admitted because Guardrails pre-checked it, not because the apiserver never asked.
        (await EnvironmentValidationsAsync()).ShouldBeGreaterThan(asked, "Guardrails' /validate was not asked about the Environment");
        var environment = await WaitUntilReadyAsync(name);
        var measured = watch.Elapsed;
        ReportTimings(name, environment, measured);

        ShouldBeReady(environment, name);
        var tier = cluster.Settings.Tiers[EnvironmentObjects.Tier];
        await ShouldHaveNamespaceAsync(name, tier);
        await ShouldHaveQuotaAsync(name, tier);
        await ShouldHaveLimitRangeAsync(name, tier);
        await ShouldHaveNetworkPolicyAsync(name, tier);
        await ShouldHaveRolesAsync(name);
        await ShouldHaveRoleBindingsAsync(name);
        await ShouldHaveDeployerAsync(name);
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task An_environment_over_the_team_budget_is_refused_at_kubectl_apply_and_nothing_is_created()
    {
        cluster.RequireProvisioning();
        var name = $"{cluster.Team}-over";
        var deniedBefore = await cluster.ValidateCountAsync(EnvironmentRequest.KindName, "denied", Cancellation);

        var result = await cluster.ApplyAsync(
            $"Environment {name} over the team budget (cpu {OverBudgetCpu} against {RunPolicies.BudgetCpu})",
            EnvironmentObjects.Environment(cluster.Team, "over", cluster.RunId, OverBudgetCpu, Memory, Pods),
            serverDryRun: false,
            Cancellation);

        result.ExitCode.ShouldNotBe(0, result.ToString());
        result.ShouldBeRefusedByGuardrails(PreCheckRules.TeamBudget);
        result.Stderr.ShouldContain($"Guardrails refused Environment {name}", Case.Sensitive, result.ToString());
        result.Stderr.ShouldContain("spec.resources.cpu", Case.Sensitive, result.ToString());
        result.Stderr.ShouldContain($"{OverBudgetCpu} requested) but its budget is {RunPolicies.BudgetCpu}", Case.Sensitive, result.ToString());
        (await cluster.ValidateCountAsync(EnvironmentRequest.KindName, "denied", Cancellation)).ShouldBeGreaterThan(deniedBefore);

        (await cluster.Kubectl.ExistsAsync(Resource, name, null, Cancellation)).ShouldBeFalse($"Environment {name} was stored although refused");
        (await cluster.Kubectl.ExistsAsync("namespace", name, null, Cancellation)).ShouldBeFalse($"namespace {name} exists although its Environment was refused");
    }

    [Fact(Timeout = DeletionTestTimeoutMs)]
    public async Task Deleting_an_environment_removes_its_namespace()
    {
        cluster.RequireProvisioning();
        var name = $"{cluster.Team}-gone";
        (await cluster.ApplyAsync($"Environment {name}", EnvironmentObjects.Environment(cluster.Team, "gone", cluster.RunId, Cpu, Memory, Pods), serverDryRun: false, Cancellation))
            .ShouldBeAdmitted($"environment.guardrails.dev/{name} created");
        await WaitUntilReadyAsync(name);
        (await cluster.Kubectl.ExistsAsync("namespace", name, null, Cancellation)).ShouldBeTrue($"Environment {name} is Ready but its namespace is missing");

        var watch = Stopwatch.StartNew();
        var seconds = (int)DeleteTimeout.TotalSeconds;
        var deleted = await cluster.Kubectl.RunAsync(
            ["delete", Resource, name, "--wait=true", $"--timeout={seconds}s"],
            timeout: DeleteTimeout + TimeSpan.FromSeconds(15),
            cancellationToken: Cancellation);

        deleted.Succeeded.ShouldBeTrue(
            $"kubectl delete did not finish within {seconds} s: Guardrails' finalizer {ProvisioningApi.Finalizer} did not run?\n{deleted}\nguardrails serve log:\n{cluster.Server.RecentLog}");
        var environmentGone = watch.Elapsed;
        (await cluster.Kubectl.ExistsAsync(Resource, name, null, Cancellation)).ShouldBeFalse();

        // The finalizer deletes the namespace and lets the Environment go; Kubernetes then empties the namespace.
        var phases = new List<string>();
        var gone = await Poll.UntilAsync(
            async ct =>
            {
                var phase = (await cluster.Kubectl.RunAsync(["get", "namespace", name, "--ignore-not-found", "-o", "jsonpath={.status.phase}"], cancellationToken: ct))
                    .EnsureSuccess($"reading namespace {name}").Stdout.Trim();
                if (phase.Length > 0 && !phases.Contains(phase))
                {
                    phases.Add(phase);
                }

                return phase.Length == 0;
            },
            NamespaceGoneTimeout,
            Cancellation);

        gone.ShouldBeTrue($"namespace {name} still exists {NamespaceGoneTimeout.TotalSeconds:0} s after its Environment was deleted (phases seen: {string.Join(", ", phases)})");
        ClusterFixture.Log(string.Create(CultureInfo.InvariantCulture,
            $"{name}: Environment gone after {environmentGone.TotalMilliseconds:0} ms (kubectl delete --wait), namespace gone after {watch.Elapsed.TotalMilliseconds:0} ms; namespace phases seen: {(phases.Count == 0 ? "none (already gone)" : string.Join(" -> ", phases))}"));
    }

    [Fact(Timeout = DeletionTestTimeoutMs)]
    public async Task An_environment_deleted_and_re_created_at_once_ends_ready_with_its_namespace_present()
    {
        cluster.RequireProvisioning();
        var name = $"{cluster.Team}-again";
        var manifest = EnvironmentObjects.Environment(cluster.Team, "again", cluster.RunId, Cpu, Memory, Pods);
        (await cluster.ApplyAsync($"Environment {name}", manifest, serverDryRun: false, Cancellation)).ShouldBeAdmitted($"environment.guardrails.dev/{name} created");
        await WaitUntilReadyAsync(name);

        (await cluster.Kubectl.RunAsync(["delete", Resource, name, "--wait=false"], cancellationToken: Cancellation)).EnsureSuccess($"deleting Environment {name}");

        // Re-created as soon as the apiserver lets the name be used again: the old Environment holds it until its
        // finalizer runs, which is now only once its namespace is gone.
        KubectlResult? create = null;
        var recreated = await Poll.UntilAsync(
            async ct => (create = await cluster.Kubectl.RunAsync(["create", "-f", "-"], manifest, cancellationToken: ct)).Succeeded,
            DeleteTimeout + NamespaceGoneTimeout,
            Cancellation);
        recreated.ShouldBeTrue($"Environment {name} could not be created again:\n{create}\nguardrails serve log:\n{cluster.Server.RecentLog}");

        var environment = await WaitUntilReadyAsync(name);
        ShouldBeReady(environment, name);
        var phase = (await cluster.Kubectl.RunAsync(["get", "namespace", name, "-o", "jsonpath={.status.phase}"], cancellationToken: Cancellation)).EnsureSuccess($"reading namespace {name}");
        phase.Stdout.Trim().ShouldBe("Active", $"Environment {name} is Ready but its namespace is {phase.Stdout.Trim()}");

        // Before issue 11 the Environment stayed Ready while its namespace vanished under it: look again after a while.
        await Task.Delay(TimeSpan.FromSeconds(10), Cancellation);
        (await cluster.Kubectl.ExistsAsync("namespace", name, null, Cancellation)).ShouldBeTrue($"namespace {name} disappeared after its Environment was Ready");
        Text(await GetAsync(Resource, name, null, Cancellation), "status", "phase").ShouldBe("Ready");
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task The_REST_door_answers_a_dry_run_with_the_plan_for_the_kubeconfig_users_token()
    {
        // Not RequireProvisioning: a dry run changes nothing, so it needs no controller and fights none.
        cluster.SkipUnlessConfigured();
        var (token, whyNot) = await KubeconfigToken.ReadAsync(cluster.Kubectl, Cancellation);
        if (token is null)
        {
            Assert.Skip($"REST door dry run not run: {whyNot}");
        }

        var name = $"{cluster.Team}-api";

        // The door asks a SubjectAccessReview for create environments.guardrails.dev with the team as namespace;
        // kubectl asks the same of the apiserver for the same user, so the expected answer comes from the cluster's RBAC.
        var canI = await cluster.Kubectl.RunAsync(["auth", "can-i", "create", Resource, "-n", cluster.Team], cancellationToken: Cancellation);
        var answer = canI.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (answer is not ("yes" or "no"))
        {
            Assert.Fail($"kubectl auth can-i answered neither yes nor no:\n{canI}");
        }

        var watch = Stopwatch.StartNew();
        var (status, body) = await PostAsync(EnvironmentObjects.Spec(cluster.Team, "api", Cpu, Memory, Pods), $"Bearer {token}", dryRun: true);
        ClusterFixture.Log(string.Create(CultureInfo.InvariantCulture,
            $"POST {RestPath}?dryRun=true as the kubeconfig user (may create environments for team {cluster.Team}: {answer}): {(int)status} in {watch.Elapsed.TotalMilliseconds:0} ms\n{body}"));

        if (answer == "no")
        {
            // Not allowed by RBAC: the door must say so rather than plan for them.
            status.ShouldBe(HttpStatusCode.Forbidden, body);
            body.ShouldContain($"may not create environments for team {cluster.Team}", Case.Sensitive, body);
            return;
        }

        status.ShouldBe(HttpStatusCode.OK, body);
        var answerJson = JsonNode.Parse(body)!;
        Text(answerJson, "name").ShouldBe(name);
        answerJson["dryRun"]!.GetValue<bool>().ShouldBeTrue();
        Text(answerJson, "verdict").ShouldBe("passed", body);
        answerJson["reasons"]!.AsArray().ShouldBeEmpty(body);
        var plan = answerJson["plan"]!.AsArray()
            .Select(o => Text(o, "metadata", "namespace") is { } ns ? $"{Text(o, "kind")} {ns}/{Text(o, "metadata", "name")}" : $"{Text(o, "kind")} {Text(o, "metadata", "name")}")
            .ToList();
        plan.ShouldBe(PlannedSteps(name), body);

        // A dry run applies nothing.
        (await cluster.Kubectl.ExistsAsync(Resource, name, null, Cancellation)).ShouldBeFalse($"the dry run created Environment {name}");
        (await cluster.Kubectl.ExistsAsync("namespace", name, null, Cancellation)).ShouldBeFalse($"the dry run created namespace {name}");
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task The_REST_door_refuses_callers_without_a_token_the_apiserver_knows()
    {
        cluster.SkipUnlessConfigured();
        var spec = EnvironmentObjects.Spec(cluster.Team, "anon", Cpu, Memory, Pods);

        var (unknown, unknownBody) = await PostAsync(spec, "Bearer guardrails-e2e-not-a-token", dryRun: true);
        var (missing, missingBody) = await PostAsync(spec, authorization: null, dryRun: true);

        // 401, not 503: the door is configured (serve runs with --kubeconfig) and the apiserver's TokenReview said no.
        unknown.ShouldBe(HttpStatusCode.Unauthorized, unknownBody);
        missing.ShouldBe(HttpStatusCode.Unauthorized, missingBody);
        unknownBody.ShouldContain("Authorization: Bearer", Case.Sensitive, unknownBody);
    }

    /// <summary>What the planner applies, in order, as <c>status.steps</c> names them (kind and namespace/name).</summary>
    private static List<string> PlannedSteps(string ns) =>
    [
        $"Namespace {ns}",
        $"ResourceQuota {ns}/{EnvironmentPlanner.QuotaName}",
        $"LimitRange {ns}/{EnvironmentPlanner.LimitRangeName}",
        $"NetworkPolicy {ns}/{EnvironmentPlanner.NetworkPolicyName}",
        $"Role {ns}/{EnvironmentPlanner.ViewerRole}",
        $"Role {ns}/{EnvironmentPlanner.EditorRole}",
        $"Role {ns}/{EnvironmentPlanner.AdminRole}",
        $"RoleBinding {ns}/{EnvironmentPlanner.ViewerRole}",
        $"RoleBinding {ns}/{EnvironmentPlanner.EditorRole}",
        $"RoleBinding {ns}/{EnvironmentPlanner.AdminRole}",
        $"ServiceAccount {ns}/{EnvironmentPlanner.DeployerName}",
        $"RoleBinding {ns}/{EnvironmentPlanner.DeployerName}",
    ];

    /// <summary>Polls the Environment as a developer would (<c>kubectl get -o json</c>) until Ready; fails at once on Rejected.</summary>
    private async Task<JsonNode> WaitUntilReadyAsync(string name)
    {
        JsonNode? last = null;
        var ready = await Poll.UntilAsync(
            async ct =>
            {
                last = await GetAsync(Resource, name, null, ct);
                var phase = Text(last, "status", "phase");
                if (phase == "Rejected")
                {
                    Assert.Fail($"Environment {name} was Rejected by the controller: {Text(last, "status", "message")}\n{last}");
                }

                return phase == "Ready";
            },
            ReadyTimeout,
            Cancellation);
        if (!ready)
        {
            var lease = await cluster.Kubectl.RunAsync(
                ["get", "leases.coordination.k8s.io", ProvisioningPreflight.LeaseName, "-n", cluster.OwnNamespace, "--ignore-not-found", "-o", "jsonpath={.spec.holderIdentity} renewed {.spec.renewTime}"],
                cancellationToken: Cancellation);
            Assert.Fail(
                $"Environment {name} was not Ready within {ReadyTimeout.TotalSeconds:0} s. Last seen:\n{last}\n"
                + $"provisioning Lease {cluster.OwnNamespace}/{ProvisioningPreflight.LeaseName}: '{lease.Stdout.Trim()}' {lease.Stderr.Trim()}\n"
                + $"guardrails serve log:\n{cluster.Server.RecentLog}");
        }

        return last!;
    }

    private static void ReportTimings(string name, JsonNode environment, TimeSpan measured)
    {
        var created = Time(Text(environment, "metadata", "creationTimestamp"));
        var readyAt = Time(Condition(environment, "Ready")?["lastTransitionTime"]?.GetValue<string>());
        var serverSide = created is { } c && readyAt is { } r
            ? string.Create(CultureInfo.InvariantCulture, $"{(r - c).TotalSeconds:0} s ({c:u} -> {r:u}; whole seconds, apiserver clock to Guardrails' clock)")
            : "not readable";
        ClusterFixture.Log($"{name} Ready: creationTimestamp -> Ready condition lastTransitionTime: {serverSide}");
        ClusterFixture.Log(string.Create(CultureInfo.InvariantCulture,
            $"{name} Ready: measured by the test from kubectl apply to Ready seen: {measured.TotalMilliseconds:0} ms (includes kubectl runs and 0.5 s polling)"));
        ClusterFixture.Log($"{name} status.message: {Text(environment, "status", "message")}");
        var steps = environment["status"]?["steps"]?.AsArray() ?? [];
        var total = 0.0;
        foreach (var step in steps)
        {
            var ms = step?["durationMs"]?.GetValue<double>() ?? 0;
            total += ms;
            ClusterFixture.Log(string.Create(CultureInfo.InvariantCulture, $"  step {Text(step, "name")}: {ms} ms"));
        }

        ClusterFixture.Log(string.Create(CultureInfo.InvariantCulture, $"  {steps.Count} steps, {total} ms in all"));
    }

    private static void ShouldBeReady(JsonNode environment, string name)
    {
        Text(environment, "status", "namespace").ShouldBe(name);
        environment["status"]!["observedGeneration"]!.GetValue<long>().ShouldBe(environment["metadata"]!["generation"]!.GetValue<long>());
        Text(Condition(environment, "Ready"), "status").ShouldBe("True");
        Text(Condition(environment, "Rejected"), "status").ShouldBe("False");
        Strings(environment["metadata"]?["finalizers"]).ShouldContain(ProvisioningApi.Finalizer);
        var steps = environment["status"]!["steps"]!.AsArray();
        steps.Select(s => Text(s, "name")).ShouldBe(PlannedSteps(name));
        steps.ShouldAllBe(s => s!["durationMs"]!.GetValue<double>() >= 0);
    }

    private async Task ShouldHaveNamespaceAsync(string name, TierSettings tier)
    {
        var ns = await GetAsync("namespace", name, null, Cancellation);
        ShouldBeManaged(ns, name);
        Text(ns, "status", "phase").ShouldBe("Active");
        var labels = ns["metadata"]!["labels"]!;
        Text(labels, ProvisioningLabels.Team).ShouldBe(cluster.Team);
        Text(labels, ProvisioningLabels.Tier).ShouldBe(EnvironmentObjects.Tier);
        Text(labels, ProvisioningLabels.PodSecurityEnforce).ShouldBe(tier.PodSecurity ?? "restricted", $"the {tier.Name} tier's Pod Security level");
        Text(labels, ProvisioningLabels.PodSecurityEnforceVersion).ShouldBe("latest");
        Text(ns["metadata"]!["annotations"], ProvisioningLabels.Environment).ShouldBe(name);
    }

    private async Task ShouldHaveQuotaAsync(string ns, TierSettings tier)
    {
        var quota = await GetAsync("resourcequota", EnvironmentPlanner.QuotaName, ns, Cancellation);
        ShouldBeManaged(quota, ns);
        var expected = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["requests.cpu"] = Cpu,
            ["limits.cpu"] = Cpu,
            ["requests.memory"] = Memory,
            ["limits.memory"] = Memory,
            ["pods"] = Pods,
        };
        foreach (var (resource, value) in tier.QuotaHard)
        {
            expected[resource] = value.ToString();
        }

        ShouldHoldQuantities(quota["spec"]?["hard"], expected, $"ResourceQuota {ns}/{EnvironmentPlanner.QuotaName} spec.hard");
    }

    private async Task ShouldHaveLimitRangeAsync(string ns, TierSettings tier)
    {
        var limitRange = await GetAsync("limitrange", EnvironmentPlanner.LimitRangeName, ns, Cancellation);
        ShouldBeManaged(limitRange, ns);
        var limits = limitRange["spec"]!["limits"]!.AsArray();
        limits.Count.ShouldBe(1);
        var item = limits[0]!;
        Text(item, "type").ShouldBe("Container");

        // The apiserver defaults defaultRequest to default for any resource that sets only the latter.
        var requests = tier.DefaultLimits.Entries().ToDictionary(e => e.Resource, e => e.Value.ToString(), StringComparer.Ordinal);
        foreach (var (resource, value) in tier.DefaultRequests.Entries())
        {
            requests[resource] = value.ToString();
        }

        ShouldHoldQuantities(item["default"], tier.DefaultLimits.Entries().ToDictionary(e => e.Resource, e => e.Value.ToString(), StringComparer.Ordinal), "LimitRange default");
        ShouldHoldQuantities(item["defaultRequest"], requests, "LimitRange defaultRequest");
    }

    private async Task ShouldHaveNetworkPolicyAsync(string ns, TierSettings tier)
    {
        var policy = await GetAsync("networkpolicy.networking.k8s.io", EnvironmentPlanner.NetworkPolicyName, ns, Cancellation);
        ShouldBeManaged(policy, ns);
        var spec = policy["spec"]!;
        (spec["podSelector"]?.AsObject().Count ?? 0).ShouldBe(0, "the policy selects every pod of the namespace");
        Strings(spec["policyTypes"]).ShouldBe(["Ingress"], "ingress only: egress is left open");
        var ingress = spec["ingress"]!.AsArray();
        ingress.Count.ShouldBe(1);
        var from = ingress[0]!["from"]!.AsArray();
        from[0]!["podSelector"].ShouldNotBeNull("the namespace's own pods are let in");
        from[0]!["podSelector"]!.AsObject().Count.ShouldBe(0);
        if (tier.AllowFromNamespaces.Count == 0)
        {
            from.Count.ShouldBe(1);
            return;
        }

        from.Count.ShouldBe(2);
        var expression = from[1]!["namespaceSelector"]!["matchExpressions"]!.AsArray().Single()!;
        Text(expression, "key").ShouldBe("kubernetes.io/metadata.name");
        Text(expression, "operator").ShouldBe("In");
        Strings(expression["values"]).ShouldBe(tier.AllowFromNamespaces);
    }

    private async Task ShouldHaveRolesAsync(string ns)
    {
        var roles = Managed(await ListAsync("roles.rbac.authorization.k8s.io", ns), ns);
        roles.Keys.Order(StringComparer.Ordinal).ShouldBe(new[] { EnvironmentPlanner.AdminRole, EnvironmentPlanner.EditorRole, EnvironmentPlanner.ViewerRole });

        var admin = Rules(roles[EnvironmentPlanner.AdminRole]);
        admin.ShouldContain(r => r.Groups.Contains("*") && r.Resources.Contains("*") && r.Verbs.Contains("*"), "admin holds every verb on everything in the namespace");

        var viewer = Rules(roles[EnvironmentPlanner.ViewerRole]);
        viewer.ShouldNotContain(r => r.Resources.Contains("secrets") || r.Resources.Contains("*"), "viewers never read Secrets");
        viewer.SelectMany(r => r.Verbs).Distinct().Order(StringComparer.Ordinal).ShouldBe(new[] { "get", "list", "watch" });
        viewer.ShouldContain(r => r.Groups.Contains("apps") && r.Resources.Contains("deployments"));

        var editor = Rules(roles[EnvironmentPlanner.EditorRole]);
        editor.ShouldContain(r => r.Resources.Contains("pods/exec") && r.Verbs.Contains("create"));
        editor.ShouldContain(r => r.Groups.Contains("apps") && r.Resources.Contains("deployments") && r.Verbs.Contains("create"));
        editor.Where(r => r.Resources.Contains("secrets")).ShouldAllBe(r => !r.Verbs.Contains("get") && !r.Verbs.Contains("list") && !r.Verbs.Contains("watch"), "editors write Secrets they cannot read");
    }

    private async Task ShouldHaveRoleBindingsAsync(string ns)
    {
        var bindings = Managed(await ListAsync("rolebindings.rbac.authorization.k8s.io", ns), ns);
        bindings.Keys.Order(StringComparer.Ordinal).ShouldBe(new[] { EnvironmentPlanner.AdminRole, EnvironmentPlanner.DeployerName, EnvironmentPlanner.EditorRole, EnvironmentPlanner.ViewerRole });

        ShouldBind(bindings[EnvironmentPlanner.ViewerRole], EnvironmentPlanner.ViewerRole, [$"Group {EnvironmentObjects.ViewerGroup}"]);
        ShouldBind(bindings[EnvironmentPlanner.EditorRole], EnvironmentPlanner.EditorRole, [$"Group {EnvironmentObjects.EditorGroup}", $"User {EnvironmentObjects.EditorUser}"]);
        ShouldBind(bindings[EnvironmentPlanner.AdminRole], EnvironmentPlanner.AdminRole, [$"User {EnvironmentObjects.AdminUser}"]);
        ShouldBind(bindings[EnvironmentPlanner.DeployerName], EnvironmentPlanner.EditorRole, [$"ServiceAccount {ns}/{EnvironmentPlanner.DeployerName}"]);
    }

    private async Task ShouldHaveDeployerAsync(string ns)
    {
        var account = await GetAsync("serviceaccount", EnvironmentPlanner.DeployerName, ns, Cancellation);
        ShouldBeManaged(account, ns);
        var automount = account["automountServiceAccountToken"];
        automount.ShouldNotBeNull("the deployer's automountServiceAccountToken is unset, so its token would be mounted into pods");
        automount.GetValue<bool>().ShouldBeFalse("the deployer's token is not mounted into pods");
    }

    private static void ShouldBind(JsonNode binding, string role, string[] subjects)
    {
        var name = Text(binding, "metadata", "name");
        Text(binding, "roleRef", "kind").ShouldBe("Role", $"RoleBinding {name}");
        Text(binding, "roleRef", "name").ShouldBe(role, $"RoleBinding {name}");
        var actual = (binding["subjects"]?.AsArray() ?? [])
            .Select(s => Text(s, "namespace") is { } ns ? $"{Text(s, "kind")} {ns}/{Text(s, "name")}" : $"{Text(s, "kind")} {Text(s, "name")}")
            .Order(StringComparer.Ordinal)
            .ToList();
        actual.ShouldBe(subjects.Order(StringComparer.Ordinal).ToList(), $"RoleBinding {name} subjects");
    }

    /// <summary>Every provisioned object says who made it and for which Environment: that is how Guardrails knows what it owns.</summary>
    private static void ShouldBeManaged(JsonNode obj, string environment)
    {
        var what = $"{Text(obj, "kind")} {Text(obj, "metadata", "name")}";
        var labels = obj["metadata"]?["labels"];
        Text(labels, ProvisioningLabels.ManagedBy).ShouldBe(ProvisioningLabels.ManagedByValue, what);
        Text(labels, ProvisioningLabels.Environment).ShouldBe(environment, what);
    }

    /// <summary>Compared as quantities: the apiserver stores them in its canonical form (1Gi, not 1024Mi).</summary>
    private static void ShouldHoldQuantities(JsonNode? map, IReadOnlyDictionary<string, string> expected, string what)
    {
        var actual = map?.AsObject().ToDictionary(p => p.Key, p => Text(p.Value) ?? p.Value?.ToJsonString() ?? "", StringComparer.Ordinal) ?? [];
        actual.Keys.Order(StringComparer.Ordinal).ShouldBe(expected.Keys.Order(StringComparer.Ordinal), $"{what}: {map?.ToJsonString()}");
        foreach (var (resource, value) in expected)
        {
            Quantity.Parse(actual[resource]).ShouldBe(Quantity.Parse(value), $"{what} {resource}");
        }
    }

    private static Dictionary<string, JsonNode> Managed(JsonNode list, string environment) =>
        list["items"]!.AsArray()
            .Where(i => Text(i?["metadata"]?["labels"], ProvisioningLabels.ManagedBy) == ProvisioningLabels.ManagedByValue
                && Text(i?["metadata"]?["labels"], ProvisioningLabels.Environment) == environment)
            .ToDictionary(i => Text(i, "metadata", "name")!, i => i!, StringComparer.Ordinal);

    private static List<(string[] Groups, string[] Resources, string[] Verbs)> Rules(JsonNode role) =>
        [.. (role["rules"]?.AsArray() ?? []).Select(r => (Strings(r?["apiGroups"]), Strings(r?["resources"]), Strings(r?["verbs"])))];

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string spec, string? authorization, bool dryRun)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(dryRun ? $"{RestPath}?dryRun=true" : RestPath, UriKind.Relative))
        {
            Content = new StringContent(spec, Encoding.UTF8, "application/json"),
        };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization).ShouldBeTrue();
        }

        using var response = await cluster.Server.Client.SendAsync(request, Cancellation);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Cancellation));
    }

    /// <summary>Every Environment /validate answered, whatever the verdict: proof that the apiserver asked Guardrails.</summary>
    private Task<double> EnvironmentValidationsAsync() =>
        cluster.Server.ReadCounterAsync(
            "guardrails_requests_total",
            new Dictionary<string, string> { ["door"] = "admission", ["operation"] = "validate", ["kind"] = EnvironmentRequest.KindName },
            Cancellation);

    private async Task<JsonNode> GetAsync(string resource, string name, string? ns, CancellationToken cancellationToken)
    {
        List<string> arguments = ["get", resource, name, "-o", "json"];
        if (ns is not null)
        {
            arguments.AddRange(["-n", ns]);
        }

        var result = (await cluster.Kubectl.RunAsync(arguments, cancellationToken: cancellationToken)).EnsureSuccess($"reading {resource} {name}");
        return JsonNode.Parse(result.Stdout)!;
    }

    private async Task<JsonNode> ListAsync(string resource, string ns)
    {
        var result = (await cluster.Kubectl.RunAsync(["get", resource, "-n", ns, "-o", "json"], cancellationToken: Cancellation)).EnsureSuccess($"listing {resource} in {ns}");
        return JsonNode.Parse(result.Stdout)!;
    }

    private static JsonNode? Condition(JsonNode environment, string type) =>
        environment["status"]?["conditions"]?.AsArray().FirstOrDefault(c => Text(c, "type") == type);

    private static string? Text(JsonNode? node, params string[] path)
    {
        foreach (var step in path)
        {
            node = node is JsonObject obj ? obj[step] : null;
        }

        return node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
    }

    private static string[] Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(i => i?.GetValue<string>() ?? "")] : [];

    private static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
}
