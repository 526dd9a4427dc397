using System.Text.Json.Nodes;
using Guardrails.Webhook.Tests.Hosting.Tls;
using Guardrails.Webhook.Tests.Support;

namespace Guardrails.Webhook.Tests.RuleFiles;

/// <summary>Rule files are reloaded like packs: an edit that does not compile is refused with file:line:column while the last good policy serves.</summary>
public sealed class RuleFileReloadTests
{
    private const string Pack = """
        apiVersion: guardrails.dev/v1alpha1
        kind: RulePack
        metadata:
          name: custom
        spec:
          rules:
            - id: no-default-namespace
        """;

    private static string Rule(string check) => $$"""
        [Rule("no-default-namespace")]
        public sealed class NoDefaultNamespace : Rule
        {
            public override Match Match { get; } = Match.Kinds("v1/ConfigMap", "ConfigMap");

            public override void Check(RuleContext context)
            {
                {{check}}
            }
        }
        """;

    private const string Denies = """if (context.Object.Namespace == "default") { context.Report("metadata.namespace", "default", "objects do not go in default", "set metadata.namespace"); }""";

    private static async Task<GuardrailsServer> StartAsync()
    {
        var source = Directory.CreateTempSubdirectory("guardrails-rules-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(source, "rules"));
            await File.WriteAllTextAsync(Path.Combine(source, "pack.yaml"), Pack);
            await File.WriteAllTextAsync(Path.Combine(source, "rules", "NoDefaultNamespace.cs"), Rule(Denies));
            return await GuardrailsServer.StartAsync(copyFrom: source);
        }
        finally
        {
            Directory.Delete(source, recursive: true);
        }
    }

    private static async Task<bool> AllowedAsync(HttpClient client)
    {
        var configMap = JsonNode.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","namespace":"default"}}""")!;
        using var http = await client.PostAsync("/validate", Fixtures.Json(Fixtures.Wrap(configMap, "uid-cm", "", "v1", "ConfigMap", "default")), TestContext.Current.CancellationToken);
        return (await AdmissionResponse.ReadAsync(http)).Allowed;
    }

    [Fact]
    public async Task A_rule_file_edit_that_does_not_compile_is_refused_and_the_last_good_policy_keeps_serving()
    {
        await using var server = await StartAsync();
        var rules = Path.Combine(server.PoliciesDirectory, "rules");
        using var client = server.CreateClient();
        (await AllowedAsync(client)).ShouldBeFalse();

        await File.WriteAllTextAsync(Path.Combine(rules, "NoDefaultNamespace.cs"), Rule("context.Nope();"), TestContext.Current.CancellationToken);

        JsonNode? packs = null;
        await Eventually.WithinAsync(TimeSpan.FromSeconds(10), async () =>
        {
            packs = JsonNode.Parse(await client.GetStringAsync("/api/v1/packs", TestContext.Current.CancellationToken));
            return packs!["state"]!.GetValue<string>() == "serving-last-good";
        }, "the broken edit was never refused");
        var error = packs!["lastErrors"]!.AsArray().ShouldHaveSingleItem()!;
        error["file"]!.GetValue<string>().ShouldBe("NoDefaultNamespace.cs");
        error["line"]!.GetValue<int>().ShouldBe(8);
        error["column"]!.GetValue<int>().ShouldBe(17);
        error["message"]!.GetValue<string>().ShouldStartWith("CS1061: 'RuleContext' does not contain a definition for 'Nope'");
        // Logged before the store shows the refusal: by the time the packs API says serving-last-good, the line is there.
        server.Logs.Lines.ShouldContain(m => m.Contains("NoDefaultNamespace.cs:8:17: CS1061", StringComparison.Ordinal), "the refusal was not logged with file, line and column before it was shown");
        (await AllowedAsync(client)).ShouldBeFalse();

        await File.WriteAllTextAsync(Path.Combine(rules, "NoDefaultNamespace.cs"), Rule("return;"), TestContext.Current.CancellationToken);
        await Eventually.WithinAsync(TimeSpan.FromSeconds(10), () => AllowedAsync(client), "the fixed edit never took effect");
    }

    [Fact]
    public async Task A_forbidden_api_in_a_rule_file_is_refused_with_the_symbol_and_line()
    {
        await using var server = await StartAsync();
        var rules = Path.Combine(server.PoliciesDirectory, "rules");
        using var client = server.CreateClient();

        await File.WriteAllTextAsync(Path.Combine(rules, "NoDefaultNamespace.cs"), Rule("""var secret = System.IO.File.ReadAllText("/var/run/secrets/token");"""), TestContext.Current.CancellationToken);

        JsonNode? packs = null;
        await Eventually.WithinAsync(TimeSpan.FromSeconds(10), async () =>
        {
            packs = JsonNode.Parse(await client.GetStringAsync("/api/v1/packs", TestContext.Current.CancellationToken));
            return packs!["lastErrors"]!.AsArray().Count > 0;
        }, "the forbidden API was never refused");
        packs!["state"]!.GetValue<string>().ShouldBe("serving-last-good");
        packs["lastErrors"]!.AsArray().ShouldContain(e => e!["line"]!.GetValue<int>() == 8 && e["message"]!.GetValue<string>().StartsWith("'System.IO.File' is not allowed in rule files (file access)", StringComparison.Ordinal));
        (await AllowedAsync(client)).ShouldBeFalse();
    }
}
