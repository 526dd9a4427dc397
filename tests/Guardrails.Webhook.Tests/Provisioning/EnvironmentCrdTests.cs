using System.Diagnostics;
using System.Text.RegularExpressions;
using Guardrails.Policies.Quantities;
using Guardrails.Tests;
using Guardrails.Webhook.Provisioning;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Webhook.Tests.Provisioning;

public sealed class EnvironmentCrdTests
{
    private static readonly string Source = Path.Combine(RepoPaths.Root, "deploy", "crds", "environments.guardrails.dev.yaml");
    private static readonly string InChart = Path.Combine(RepoPaths.Root, "charts", "guardrails", "crds", "environments.guardrails.dev.yaml");

    [Fact]
    public void Every_status_field_the_controller_writes_is_declared_so_the_apiserver_keeps_it()
    {
        using var environment = System.Text.Json.JsonDocument.Parse("""{"metadata":{"name":"team-a-dev"}}""");
        var written = Guardrails.Webhook.Provisioning.EnvironmentStatus.Build(
            environment.RootElement, DateTimeOffset.UtcNow, "Ready", 1, "team-a-dev", "12 objects applied", [new("Namespace team-a-dev", 7)], readyStatus: "True", rejected: false, planHash: "0123456789abcdef");

        // A structural schema prunes undeclared fields: a field missing here would silently never be stored.
        Undeclared(written, Status(), "status").ShouldBeEmpty();
    }

    private static IEnumerable<string> Undeclared(System.Text.Json.Nodes.JsonNode? value, YamlMappingNode schema, string path)
    {
        if (value is System.Text.Json.Nodes.JsonObject obj)
        {
            var properties = schema.Children.TryGetValue(new YamlScalarNode("properties"), out var p) ? (YamlMappingNode)p : null;
            foreach (var (key, child) in obj)
            {
                if (properties is null || !properties.Children.TryGetValue(new YamlScalarNode(key), out var declared))
                {
                    yield return $"{path}.{key}";
                    continue;
                }

                foreach (var missing in Undeclared(child, (YamlMappingNode)declared, $"{path}.{key}"))
                {
                    yield return missing;
                }
            }
        }
        else if (value is System.Text.Json.Nodes.JsonArray array)
        {
            foreach (var item in array)
            {
                foreach (var missing in Undeclared(item, Map(schema, "items"), $"{path}[]"))
                {
                    yield return missing;
                }
            }
        }
    }

    private static YamlMappingNode Crd()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Source)));
        return (YamlMappingNode)stream.Documents.ShouldHaveSingleItem().RootNode;
    }

    private static YamlMappingNode Version() => (YamlMappingNode)((YamlSequenceNode)Map(Crd(), "spec")["versions"]).Children.ShouldHaveSingleItem();

    private static YamlMappingNode Schema() => Map(Map(Version(), "schema"), "openAPIV3Schema");

    private static YamlMappingNode Spec() => Map(Map(Schema(), "properties"), "spec");

    private static YamlMappingNode Status() => Map(Map(Schema(), "properties"), "status");

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node[key];

    private static YamlMappingNode Property(YamlMappingNode obj, params string[] path)
    {
        foreach (var key in path)
        {
            obj = Map(Map(obj, "properties"), key);
        }

        return obj;
    }

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    private static List<string> Strings(YamlMappingNode node, string key) =>
        [.. ((YamlSequenceNode)node[key]).Children.Select(c => ((YamlScalarNode)c).Value!)];

    [Fact]
    public void Defines_a_cluster_scoped_Environment_in_guardrails_dev_v1alpha1_with_a_status_subresource()
    {
        var crd = Crd();
        Scalar(crd, "apiVersion").ShouldBe("apiextensions.k8s.io/v1");
        Scalar(crd, "kind").ShouldBe("CustomResourceDefinition");
        Scalar(Map(crd, "metadata"), "name").ShouldBe("environments.guardrails.dev");
        var spec = Map(crd, "spec");
        Scalar(spec, "group").ShouldBe("guardrails.dev");
        Scalar(spec, "scope").ShouldBe("Cluster");
        var names = Map(spec, "names");
        Scalar(names, "kind").ShouldBe("Environment");
        Scalar(names, "plural").ShouldBe("environments");
        Scalar(names, "singular").ShouldBe("environment");
        var version = Version();
        Scalar(version, "name").ShouldBe("v1alpha1");
        Scalar(version, "served").ShouldBe("true");
        Scalar(version, "storage").ShouldBe("true");
        Map(Map(version, "subresources"), "status").Children.ShouldBeEmpty();
    }

    [Fact]
    public void Prints_team_tier_phase_namespace_and_age()
    {
        var columns = ((YamlSequenceNode)Version()["additionalPrinterColumns"]).Children.Cast<YamlMappingNode>()
            .Select(c => (Scalar(c, "name"), Scalar(c, "type"), Scalar(c, "jsonPath")))
            .ToList();

        columns.ShouldBe(
        [
            ("Team", "string", ".spec.team"),
            ("Tier", "string", ".spec.tier"),
            ("Phase", "string", ".status.phase"),
            ("Namespace", "string", ".status.namespace"),
            ("Age", "date", ".metadata.creationTimestamp"),
        ]);
    }

    [Fact]
    public void Spec_requires_team_name_tier_and_resources_with_dns_labels_and_a_tier_enum()
    {
        var spec = Spec();
        Strings(spec, "required").ShouldBe(["team", "name", "tier", "resources"]);
        foreach (var field in new[] { "team", "name" })
        {
            var property = Property(spec, field);
            Scalar(property, "type").ShouldBe("string");
            Scalar(property, "maxLength").ShouldBe("63");
            Scalar(property, "pattern").ShouldBe("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
        }

        Strings(Property(spec, "tier"), "enum").ShouldBe(PlatformSettings.KnownTiers);
        Strings(Property(spec, "resources"), "required").ShouldBe(["cpu", "memory"]);
    }

    [Fact]
    public void Resources_are_int_or_string_quantities_whose_pattern_agrees_with_the_quantity_parser()
    {
        var resources = Property(Spec(), "resources");
        Map(resources, "properties").Children.Keys.Select(k => ((YamlScalarNode)k).Value).ShouldBe(EnvironmentResources.Names);
        foreach (var name in EnvironmentResources.Names)
        {
            var quantity = Property(resources, name);
            Scalar(quantity, "x-kubernetes-int-or-string").ShouldBe("true");
            ((YamlSequenceNode)quantity["anyOf"]).Children.Cast<YamlMappingNode>().Select(t => Scalar(t, "type")).ShouldBe(["integer", "string"]);
            var pattern = new Regex(Scalar(quantity, "pattern"));
            foreach (var text in new[] { "500m", "4", "16Gi", "1.5", "1e3", "100M", "2x", "1Gb", "", "1.5.5", "Gi" })
            {
                pattern.IsMatch(text).ShouldBe(Quantity.TryParse(text, out _), $"'{text}'");
            }
        }
    }

    [Fact]
    public void Members_have_users_and_groups_per_role_and_ttl_is_a_duration()
    {
        var members = Property(Spec(), "members");
        foreach (var role in new[] { "viewers", "editors", "admins" })
        {
            foreach (var list in new[] { "users", "groups" })
            {
                var property = Property(members, role, list);
                Scalar(property, "type").ShouldBe("array");
                Scalar(Map(property, "items"), "type").ShouldBe("string");
            }
        }

        var ttl = new Regex(Scalar(Property(Spec(), "ttl"), "pattern"));
        foreach (var text in new[] { "72h", "1h30m", "90s", "1.5h", "3d", "72", "h", "5ms", "" })
        {
            var request = ProvisioningFixtures.Json($$"""{"team":"team-a","name":"web","tier":"dev","resources":{"cpu":"1","memory":"1Gi"},"ttl":"{{text}}"}""");
            ttl.IsMatch(text).ShouldBe(EnvironmentRequest.FromSpec(request).Succeeded, $"'{text}'");
        }
    }

    [Fact]
    public void Status_has_phase_conditions_observed_generation_namespace_message_plan_hash_and_steps()
    {
        var status = Status();
        Map(status, "properties").Children.Keys.Select(k => ((YamlScalarNode)k).Value).Order(StringComparer.Ordinal)
            .ShouldBe(["conditions", "message", "namespace", "observedGeneration", "phase", "planHash", "steps"]);
        Strings(Property(status, "phase"), "enum").ShouldBe(["Pending", "Provisioning", "Ready", "Rejected", "Deleting"]);
        Scalar(Property(status, "observedGeneration"), "format").ShouldBe("int64");

        var conditions = Property(status, "conditions");
        Scalar(conditions, "x-kubernetes-list-type").ShouldBe("map");
        Strings(conditions, "x-kubernetes-list-map-keys").ShouldBe(["type"]);
        var condition = Map(conditions, "items");
        Strings(condition, "required").Order(StringComparer.Ordinal).ShouldBe(["lastTransitionTime", "message", "reason", "status", "type"]);
        Strings(Property(condition, "status"), "enum").ShouldBe(["True", "False", "Unknown"]);
        Scalar(Property(condition, "lastTransitionTime"), "format").ShouldBe("date-time");

        var step = Map(Property(status, "steps"), "items");
        Strings(step, "required").ShouldBe(["name", "durationMs"]);
        Scalar(Property(step, "durationMs"), "type").ShouldBe("integer");
    }

    [Fact]
    public void The_chart_links_to_the_single_source_instead_of_copying_it()
    {
        var link = new FileInfo(InChart);
        link.LinkTarget.ShouldNotBeNull("charts/guardrails/crds must hold a symlink, not a copy");
        Path.GetFullPath(Path.Combine(link.DirectoryName!, link.LinkTarget)).ShouldBe(Path.GetFullPath(Source));
        File.ReadAllText(InChart).ShouldBe(File.ReadAllText(Source));
    }

    [Fact]
    public void Kubectl_reads_it_as_a_CustomResourceDefinition()
    {
        var kubectl = Environment.GetEnvironmentVariable("PATH")?.Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "kubectl"))
            .FirstOrDefault(File.Exists);
        if (kubectl is null)
        {
            Assert.Skip("kubectl is not on PATH");
        }

        // Offline, kubectl can only decode: --local annotate parses the file without asking a server.
        using var process = Process.Start(new ProcessStartInfo(kubectl, ["annotate", "--local", "-f", InChart, "guardrails.dev/checked=true", "-o", "name"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();

        process.ExitCode.ShouldBe(0, error);
        output.Trim().ShouldBe("customresourcedefinition.apiextensions.k8s.io/environments.guardrails.dev");
    }
}
