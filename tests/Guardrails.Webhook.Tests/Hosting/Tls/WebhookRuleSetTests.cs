using Guardrails.Policies.Engine;
using Guardrails.Policies.Packs;
using Guardrails.Tests;
using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Hosting.Tls;

namespace Guardrails.Webhook.Tests.Hosting.Tls;

/// <summary>The webhooks register for what the loaded packs match, not <c>*</c>, and mutate only when a rule mutates.</summary>
public sealed class WebhookRuleSetTests
{
    private static string Line(WebhookRule rule) =>
        $"{rule.Group}/{rule.Version} {string.Join(",", rule.Operations)} {string.Join(",", rule.Resources)} {rule.Scope}";

    [Fact]
    public void The_shipped_packs_register_the_pod_bearing_kinds_and_Environments_and_no_mutating_webhook()
    {
        var rules = WebhookRuleSet.From(PackDirectory.Load(RepoPaths.Policies).Policy!);

        rules.Validating.Select(Line).ShouldBe([
            "/v1 CREATE,UPDATE pods,pods/ephemeralcontainers,podtemplates,replicationcontrollers,replicationcontrollers/scale Namespaced",
            "apps/v1 CREATE,UPDATE deployments,deployments/scale,statefulsets,statefulsets/scale,daemonsets,replicasets,replicasets/scale Namespaced",
            "batch/v1 CREATE,UPDATE jobs,cronjobs Namespaced",
            "autoscaling/v2 CREATE,UPDATE horizontalpodautoscalers Namespaced",
            "guardrails.dev/v1alpha1 CREATE,UPDATE environments *",
        ]);
        rules.Mutating.ShouldBeNull();
    }

    [Fact]
    public void Rule_files_for_other_kinds_add_exactly_those_kinds()
    {
        var rules = WebhookRuleSet.From(PackDirectory.Load(Path.Combine(RepoPaths.Root, "examples", "rules")).Policy!);

        rules.Validating.Select(Line).ShouldBe([
            "/v1 CREATE,UPDATE services *",
            "apps/v1 CREATE,UPDATE deployments,deployments/scale,statefulsets,statefulsets/scale Namespaced",
            "networking.k8s.io/* CREATE,UPDATE ingresses *",
            "policy/* CREATE,UPDATE poddisruptionbudgets *",
            "stable.example.com/* CREATE,UPDATE crontabs *",
            "guardrails.dev/v1alpha1 CREATE,UPDATE environments *",
        ]);
        rules.Validating.ShouldNotContain(r => r.Resources.Contains("*"));
        rules.Mutating.ShouldBeNull();
    }

    [Fact]
    public void A_mutating_rule_registers_the_mutating_webhook_for_its_kinds_only()
    {
        const string Pack = """
            apiVersion: guardrails.dev/v1alpha1
            kind: RulePack
            metadata: { name: defaults }
            spec:
              rules:
                - id: run-as-non-root
                  parameters: { setDefault: true }
            """;
        var policy = PolicyCompiler.Compile([new PackSource("pack.yaml", Pack)]).Policy!;

        var rules = WebhookRuleSet.From(policy);

        rules.Mutating.ShouldNotBeNull().Select(r => r.Group).ShouldBe(["", "apps", "batch"]);
        rules.Validating.ShouldContain(r => r.Group == "guardrails.dev");
        using var ca = TestPki.CreateCa("rule set CA");
        WebhookManifests.Render(TestPki.CertPem(ca), new WebhookManifestOptions { Url = "https://127.0.0.1:8443" }, rules)
            .ShouldContain("kind: MutatingWebhookConfiguration");
    }
}
