using System.Text.Json.Nodes;
using Guardrails.Tests;
using Guardrails.Webhook.Cli;
using Guardrails.Webhook.Tests.Support;

namespace Guardrails.Webhook.Tests.Cli;

public sealed class CheckCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("guardrails-check-").FullName;

    private const string Compliant = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: web, namespace: team-a }
        spec:
          replicas: 2
          template:
            spec:
              securityContext: { runAsNonRoot: true }
              containers: [{ name: app, image: "nginx:1.27", resources: { requests: { cpu: 500m, memory: 256Mi }, limits: { memory: 256Mi } } }]
        """;

    private const string Untagged = """
        apiVersion: v1
        kind: Pod
        metadata: { name: tagless, namespace: team-a }
        spec:
          securityContext: { runAsNonRoot: true }
          containers: [{ name: app, image: nginx, resources: { requests: { cpu: 500m, memory: 256Mi }, limits: { memory: 256Mi } } }]
        """;

    private (int Exit, string Out, string Err) Check(string output = "text", string? quota = null, string stdin = "", string? old = null, params string[] paths)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = CheckRunner.Run(new CheckOptions(paths, RepoPaths.Policies, quota, output, null, old), new StringReader(stdin), stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Exits_0_when_everything_is_allowed()
    {
        var (exit, output, _) = Check(paths: Write("ok.yaml", Compliant));

        exit.ShouldBe(0);
        output.ShouldContain("allowed  Deployment team-a/web");
        output.ShouldContain("1 object(s): 1 allowed, 0 denied, 0 skipped, 0 invalid");
    }

    [Fact]
    public void Exits_1_and_shows_rule_path_value_and_fix_when_something_is_denied()
    {
        var (exit, output, _) = Check(paths: Write("mixed.yaml", Compliant + "\n---\n" + Untagged));

        exit.ShouldBe(1);
        output.ShouldContain($"DENIED   Pod team-a/tagless ({Path.Combine(_dir, "mixed.yaml")}, document 2)");
        output.ShouldContain("[image-tag] spec.containers[0].image = nginx");
        output.ShouldContain("fix: pin a version tag");
    }

    [Fact]
    public void Exits_2_for_invalid_input_naming_file_and_document()
    {
        var file = Write("broken.yaml", Compliant + "\n---\nkind: [oops\n");

        var (exit, output, _) = Check(paths: file);

        exit.ShouldBe(2);
        output.ShouldContain($"INVALID  ({file}, document 2)");
        output.ShouldContain("invalid YAML at line");
    }

    [Fact]
    public void Exits_2_for_a_missing_file()
    {
        var (exit, _, error) = Check(paths: Path.Combine(_dir, "nope.yaml"));

        exit.ShouldBe(2);
        error.ShouldContain("cannot read");
    }

    [Fact]
    public void Reads_directories_and_standard_input()
    {
        Write("a.yaml", Compliant);
        Write("b.json", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}""");

        var (exit, output, _) = Check(stdin: Untagged, paths: [_dir, "-"]);

        exit.ShouldBe(1);
        output.ShouldContain("(<stdin>, document 1)");
        output.ShouldContain("3 object(s): 1 allowed, 1 denied, 1 skipped, 0 invalid");
    }

    [Fact]
    public void Json_output_is_stable_for_tools()
    {
        var (exit, output, _) = Check("json", paths: Write("p.yaml", Untagged));

        exit.ShouldBe(1);
        var root = JsonNode.Parse(output)!;
        var result = root["results"]!.AsArray().ShouldHaveSingleItem()!;
        result["document"]!.GetValue<int>().ShouldBe(1);
        result["kind"]!.GetValue<string>().ShouldBe("Pod");
        result["verdict"]!.GetValue<string>().ShouldBe("denied");
        var violation = result["violations"]!.AsArray().ShouldHaveSingleItem()!;
        violation.AsObject().Select(p => p.Key).ShouldBe(["rule", "path", "actual", "message", "fix", "mode", "pack"]);
        root["summary"]!["denied"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public void Quota_file_feeds_quota_fits()
    {
        var quota = Write("quota.yaml", """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: ResourceQuota
              metadata: { name: compute, namespace: team-a }
              spec: { hard: { requests.cpu: "1" } }
              status: { used: { requests.cpu: 500m } }
            """);

        var (exit, output, _) = Check(quota: quota, paths: Write("d.yaml", Compliant));

        exit.ShouldBe(1);
        output.ShouldContain("Deployment team-a/web needs requests.cpu 1500m (3 pods × 500m: 2 replicas + 1 maxSurge) but ResourceQuota compute in team-a has 500m left (1 hard, 500m used)");
    }

    [Fact]
    public void A_broken_quota_file_is_invalid_input()
    {
        var quota = Write("quota.yaml", """
            apiVersion: v1
            kind: ResourceQuota
            metadata: { name: compute, namespace: team-a }
            spec: { hard: { requests.cpu: "lots" } }
            """);

        var (exit, _, error) = Check(quota: quota, paths: Write("d.yaml", Compliant));

        exit.ShouldBe(2);
        error.ShouldContain("ResourceQuota team-a/compute spec.hard.requests.cpu");
        error.ShouldContain("'lots'");
    }

    /// <summary>What runs now: a Deployment that predates the policy (no resources, may run as root, nginx:latest).</summary>
    private const string Running = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: legacy, namespace: team-a, labels: { app: legacy } }
        spec:
          replicas: 2
          selector: { matchLabels: { app: legacy } }
          template:
            metadata: { labels: { app: legacy } }
            spec:
              containers: [{ name: app, image: "nginx:latest" }]
        """;

    [Fact]
    public void Old_judges_a_document_as_an_update_from_its_current_version()
    {
        var old = Write("running.yaml", Running);
        var relabelled = Write("relabelled.yaml", Running.Replace("labels: { app: legacy } }\nspec", "labels: { app: legacy, team: shop } }\nspec", StringComparison.Ordinal));

        var (exit, output, _) = Check(old: old, paths: relabelled);
        var (withoutOld, _, _) = Check(paths: relabelled);

        exit.ShouldBe(0);
        output.ShouldContain("allowed  Deployment team-a/legacy");
        output.ShouldContain("[image-tag] (pre-existing: warn) spec.template.spec.containers[0].image = nginx:latest");
        withoutOld.ShouldBe(1);
    }

    [Fact]
    public void Old_still_denies_what_the_change_makes_worse()
    {
        var old = Write("running.yaml", Running);
        var grown = Write("grown.yaml", Running.Replace("""[{ name: app, image: "nginx:latest" }]""", """[{ name: app, image: "nginx:latest" }, { name: debug, image: "busybox:1.36", securityContext: { runAsUser: 0 } }]""", StringComparison.Ordinal));

        var (exit, output, _) = Check("json", old: old, paths: grown);

        exit.ShouldBe(1);
        var violations = JsonNode.Parse(output)!["results"]![0]!["violations"]!.AsArray();
        violations.ShouldContain(v => v!["path"]!.GetValue<string>() == "spec.template.spec.containers[1].securityContext.runAsUser" && v["mode"]!.GetValue<string>() == "Enforce");
        violations.ShouldNotContain(v => v!["preExisting"] != null, "a changed template rolls out new pods and is judged whole");
    }

    [Fact]
    public void Old_is_a_normal_option_of_the_check_command()
    {
        var old = Write("running.yaml", Running);
        var relabelled = Write("relabelled.yaml", Running.Replace("labels: { app: legacy } }\nspec", "labels: { app: legacy, team: shop } }\nspec", StringComparison.Ordinal));
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var command = CheckCommand.Create(new StringReader(""), stdout, stderr);

        var exit = command.Parse(["--policies", RepoPaths.Policies, "--old", old, relabelled]).Invoke();

        exit.ShouldBe(0, stdout.ToString() + stderr);
    }

    [Fact]
    public void An_unreadable_old_file_is_invalid_input()
    {
        var (missing, _, error) = Check(old: Path.Combine(_dir, "nope.yaml"), paths: Write("d.yaml", Compliant));
        var (broken, _, brokenError) = Check(old: Write("broken.yaml", "kind: [oops\n"), paths: Write("e.yaml", Compliant));

        missing.ShouldBe(2);
        error.ShouldContain("cannot read --old file");
        broken.ShouldBe(2);
        brokenError.ShouldContain("--old file");
        brokenError.ShouldContain("document 1");
    }

    [Fact]
    public void An_admission_review_update_is_judged_as_validate_judges_it()
    {
        var review = Write("review.json", UpdateReviews.From("v1.24/create-pod.json", pod => pod["metadata"]!["labels"]!["touched"] = "yes"));

        var (exit, output, _) = Check(paths: review);

        exit.ShouldBe(0);
        output.ShouldContain("allowed  Pod default/x");
        output.ShouldContain("(pre-existing: warn)");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
