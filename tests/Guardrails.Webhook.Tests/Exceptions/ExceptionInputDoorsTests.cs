using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Guardrails.Webhook.Cli;
using Guardrails.Webhook.Tests.Support;

namespace Guardrails.Webhook.Tests.Exceptions;

/// <summary>The offline doors take exceptions from input, as they take quotas, and judge them as admission does.</summary>
public sealed class ExceptionInputDoorsTests : IDisposable
{
    private const string Pod = """
        apiVersion: v1
        kind: Pod
        metadata: { name: denied, namespace: default }
        spec:
          containers: [{ name: denied, image: nginx:1.27, resources: { limits: { memory: 64Mi } } }]
        """;

    private const string RootException = """
        apiVersion: guardrails.dev/v1alpha1
        kind: PolicyException
        metadata: { name: root, namespace: default, creationTimestamp: "2026-12-01T00:00:00Z", annotations: { guardrails.dev/requested-by: dev@example.com } }
        spec:
          rule: run-as-non-root
          target: { kind: Pod, name: denied, container: denied }
          reason: the vendor fixes the image next week
          expires: "2026-12-03T00:00:00Z"
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("guardrails-exceptions-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Exit, string Out, string Err) Check(string? exceptions, string? now, string output = "text")
    {
        var policies = Directory.CreateDirectory(Path.Combine(_dir, "policies")).FullName;
        File.WriteAllText(Path.Combine(policies, "pack.yaml"), ExceptionHarness.Pack);
        var pod = Path.Combine(_dir, "pod.yaml");
        File.WriteAllText(pod, Pod);
        string? file = null;
        if (exceptions is not null)
        {
            file = Path.Combine(_dir, "exceptions.yaml");
            File.WriteAllText(file, exceptions);
        }

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = CheckRunner.Run(
            new CheckOptions([pod], policies, null, output, null, null, file, now is null ? null : DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)),
            new StringReader(""),
            stdout,
            stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Check_honours_exceptions_from_a_file_until_the_second_they_expire()
    {
        var (exit, output, _) = Check(RootException, "2026-12-02T23:59:59Z");
        exit.ShouldBe(0, output);
        output.ShouldContain("[run-as-non-root] (excepted by default/root until 2026-12-03T00:00:00Z: warn) spec.containers[0].securityContext.runAsNonRoot");

        Check(RootException, "2026-12-03T00:00:00Z").Exit.ShouldBe(1);
        Check(null, "2026-12-02T00:00:00Z").Exit.ShouldBe(1);
    }

    [Fact]
    public void Check_names_the_exception_in_json_output()
    {
        var (_, output, _) = Check(RootException, "2026-12-02T00:00:00Z", "json");

        var violation = JsonNode.Parse(output)!["results"]![0]!["violations"]!.AsArray().Single(v => v!["rule"]!.GetValue<string>() == "run-as-non-root")!;
        violation["mode"]!.GetValue<string>().ShouldBe("Warn");
        violation["exception"]!["name"]!.GetValue<string>().ShouldBe("default/root");
        violation["exception"]!["requestedBy"]!.GetValue<string>().ShouldBe("dev@example.com");
    }

    [Fact]
    public void Check_refuses_an_unreadable_exceptions_file_naming_what_is_wrong()
    {
        var (exit, _, error) = Check(RootException.Replace("expires: \"2026-12-03T00:00:00Z\"", "expires: soon", StringComparison.Ordinal), "2026-12-02T00:00:00Z");

        exit.ShouldBe(2);
        error.ShouldContain("--exceptions file");
        error.ShouldContain("document 1: PolicyException root: spec.expires 'soon' is not an RFC 3339 time");
    }

    [Fact]
    public async Task The_dry_run_door_takes_exceptions_from_the_body()
    {
        await using var server = await GuardrailsServer.StartAsync(packs: ExceptionHarness.Pack);
        using var client = server.CreateClient();
        var now = DateTimeOffset.UtcNow;
        var exception = RootException
            .Replace("2026-12-01T00:00:00Z", now.AddHours(-1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("2026-12-03T00:00:00Z", now.AddDays(1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        using var without = await client.PostAsync("/api/v1/evaluate", new StringContent(Pod, Encoding.UTF8, "application/yaml"), TestContext.Current.CancellationToken);
        var denied = JsonNode.Parse(await without.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        denied["results"]![0]!["verdict"]!.GetValue<string>().ShouldBe("denied");

        using var with = await client.PostAsync("/api/v1/evaluate", new StringContent(Pod + "\n---\n" + exception, Encoding.UTF8, "application/yaml"), TestContext.Current.CancellationToken);
        var body = JsonNode.Parse(await with.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        with.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToJsonString());
        body["results"]![0]!["verdict"]!.GetValue<string>().ShouldBe("allowed");
        body["results"]![0]!["violations"]!.AsArray().Count(v => v!["exception"] is JsonObject e && e["name"]!.GetValue<string>() == "default/root").ShouldBe(1);

        using var bad = await client.PostAsync("/api/v1/evaluate", new StringContent(Pod + "\n---\n" + exception.Replace("rule: run-as-non-root", "rule: \"\"", StringComparison.Ordinal), Encoding.UTF8, "application/yaml"), TestContext.Current.CancellationToken);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("spec.rule is required");
    }
}
