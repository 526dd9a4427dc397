using System.Text.Json;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Packs;
using Guardrails.Policies.Quantities;
using Guardrails.Policies.Resources;
using Guardrails.Webhook.Provisioning;

namespace Guardrails.Webhook.Tests.Provisioning;

internal static class ProvisioningFixtures
{
    /// <summary>Tier defaults as in the add-ns-quota conformance case: 500m/1Gi default, 200m/256Mi defaultRequest.</summary>
    public const string SettingsYaml = """
        apiVersion: guardrails.dev/v1alpha1
        kind: PlatformSettings
        metadata:
          name: platform
        spec:
          teams:
            team-a:
              budget: { cpu: "16", memory: 64Gi, storage: 100Gi, pods: "50" }
            team-b:
              budget: {}
          tiers:
            dev:
              podSecurity: baseline
              limitRange:
                default: { cpu: 500m, memory: 1Gi }
                defaultRequest: { cpu: 200m, memory: 256Mi }
              network:
                allowFromNamespaces: [ingress-nginx, monitoring]
              packs: [baseline]
            staging:
              podSecurity: restricted
              limitRange:
                default: { cpu: 500m, memory: 1Gi }
                defaultRequest: { cpu: 200m, memory: 256Mi }
              packs: [baseline]
            prod:
              podSecurity: restricted
              limitRange:
                default: { cpu: "1", memory: 2Gi }
                defaultRequest: { cpu: 500m, memory: 1Gi }
              quota:
                hard: { services.nodeports: "0", count/secrets: "100" }
              network:
                allowFromNamespaces: [ingress-nginx]
              packs: [baseline]
        """;

    public const string BaselinePack = """
        apiVersion: guardrails.dev/v1alpha1
        kind: RulePack
        metadata:
          name: baseline
        spec:
          rules:
            - id: run-as-non-root
            - id: resource-requirements
              parameters: { required: [requests.cpu, requests.memory, limits.memory] }
            - id: image-tag
            - id: quota-fits
        """;

    public static PlatformSettings Settings(string yaml = SettingsYaml)
    {
        var result = PlatformSettingsParser.Parse(new PackSource("platform.yaml", yaml));
        result.Errors.ShouldBeEmpty();
        return result.Settings!;
    }

    public static CompiledPolicy Policy(params string[] packs)
    {
        var result = PolicyCompiler.Compile(packs.Select((text, i) => new PackSource($"pack{i}.yaml", text)));
        result.Errors.ShouldBeEmpty();
        return result.Policy!;
    }

    public static CompiledPolicy Baseline { get; } = Policy(BaselinePack);

    public static EnvironmentRequest Request(
        string team = "team-a",
        string name = "web",
        string tier = "dev",
        string? cpu = "4",
        string? memory = "16Gi",
        string? storage = null,
        string? pods = null,
        EnvironmentMembers? members = null) => new()
        {
            Team = team,
            Name = name,
            Tier = tier,
            Resources = new EnvironmentResources(Q(cpu), Q(memory), Q(storage), Q(pods)),
            Members = members ?? EnvironmentMembers.None,
        };

    public static Quantity? Q(string? text) => text is null ? null : Quantity.Parse(text);

    /// <summary>One YAML or JSON document as a JsonElement that outlives its document.</summary>
    public static JsonElement Json(string text)
    {
        var manifests = ManifestReader.Read(text);
        manifests.Count.ShouldBe(1);
        manifests[0].Error.ShouldBeNull();
        using var manifest = manifests[0];
        return manifest.Root.Clone();
    }
}
