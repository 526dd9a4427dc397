using System.Text.Json.Nodes;
using Guardrails.Tests;
using Guardrails.Webhook.Cli;
using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Tests.Support;
using Guardrails.Webhook.Tests.Telemetry;

namespace Guardrails.Webhook.Tests.Hosting;

/// <summary>
/// A policies directory that enables no rule is an accident unless a pack says so: refused at start-up and on reload
/// (the last good policy keeps serving), never a silent allow-all.
/// </summary>
[Collection(GuardrailsMeterCollection.Name)]
public sealed class EmptyPolicyDirectoryTests
{
    private static async Task<AdmissionResponse> ValidateUntaggedPodAsync(HttpClient client)
    {
        using var http = await client.PostAsync("/validate", Fixtures.Json(Fixtures.Read("v1.24/create-pod-denied.json")), TestContext.Current.CancellationToken);
        return await AdmissionResponse.ReadAsync(http);
    }

    [Theory]
    [InlineData("emptied")]
    [InlineData("deleted")]
    public async Task Emptying_or_deleting_the_pack_file_beside_platform_yaml_is_refused_and_the_last_good_policy_keeps_serving(string how)
    {
        await using var server = await GuardrailsServer.StartAsync();
        using var client = server.CreateClient();
        var pack = Path.Combine(server.PoliciesDirectory, "baseline.yaml");

        if (how == "emptied")
        {
            await File.WriteAllTextAsync(pack, "", TestContext.Current.CancellationToken);
        }
        else
        {
            File.Delete(pack);
        }

        JsonNode? packs = null;
        await Tls.Eventually.WithinAsync(TimeSpan.FromSeconds(5), async () =>
        {
            packs = JsonNode.Parse(await client.GetStringAsync("/api/v1/packs", TestContext.Current.CancellationToken));
            return packs!["state"]!.GetValue<string>() == "serving-last-good";
        }, "the reload was not refused");
        packs!["packs"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ShouldBe(["baseline", "day2"]);
        packs["lastErrors"]!.AsArray().ShouldHaveSingleItem()!["message"]!.GetValue<string>()
            .ShouldStartWith("pack(s) 'baseline' are gone from the policies directory and no enabled rule is left, so no rule would judge anything");
        (await ValidateUntaggedPodAsync(client)).Allowed.ShouldBeFalse();
        (await client.GetStringAsync("/readyz", TestContext.Current.CancellationToken)).ShouldBe("ready");
        (await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken)).ShouldContain("""guardrails_pack_reloads_total{otel_scope_name="Guardrails",result="failure"} 1""");
        server.Logs.Lines.ShouldContain(line => (line.Contains(" Warning ", StringComparison.Ordinal) || line.Contains(" Error ", StringComparison.Ordinal))
            && line.Contains("are gone from the policies directory", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_directory_that_enables_no_rule_is_refused_at_start_up()
    {
        var ex = await Should.ThrowAsync<PolicyLoadException>(() => GuardrailsServer.StartAsync(packs: ""));

        ex.Message.ShouldContain("no RulePack document in the policies directory");
    }

    [Fact]
    public async Task A_pack_with_no_rules_is_an_accident_too()
    {
        const string NoRules = "apiVersion: guardrails.dev/v1alpha1\nkind: RulePack\nmetadata: { name: hollow }\nspec:\n  rules: []\n";

        var ex = await Should.ThrowAsync<PolicyLoadException>(() => GuardrailsServer.StartAsync(packs: NoRules));

        ex.Message.ShouldContain("pack(s) 'hollow' list no rules");
    }

    [Fact]
    public async Task Switching_every_pack_off_on_purpose_is_a_choice_that_serves()
    {
        var off = "apiVersion: guardrails.dev/v1alpha1\nkind: RulePack\nmetadata: { name: off }\nspec:\n  enabled: false\n  rules:\n    - id: image-tag\n";

        await using var server = await GuardrailsServer.StartAsync(packs: off);
        using var client = server.CreateClient();

        (await ValidateUntaggedPodAsync(client)).Allowed.ShouldBeTrue();
    }

    [Fact]
    public void Check_refuses_such_a_directory_with_exit_2()
    {
        var dir = Directory.CreateTempSubdirectory("guardrails-empty-").FullName;
        try
        {
            var policies = Directory.CreateDirectory(Path.Combine(dir, "policies")).FullName;
            File.Copy(Path.Combine(RepoPaths.Policies, "platform.yaml"), Path.Combine(policies, "platform.yaml"));
            File.WriteAllText(Path.Combine(dir, "pod.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n");
            using var stderr = new StringWriter();

            var exit = CheckRunner.Run(new CheckOptions([Path.Combine(dir, "pod.yaml")], policies, null, "text", null), new StringReader(""), new StringWriter(), stderr);

            exit.ShouldBe(ExitCodes.InvalidInput);
            stderr.ToString().ShouldContain("no RulePack document in the policies directory");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
