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

    private (int Exit, string Out, string Err) CheckIn(string? @namespace, params string[] paths)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = CheckRunner.Run(new CheckOptions(paths, RepoPaths.Policies, null, "text", @namespace), new StringReader(""), stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("deep.yaml", 35_000)]
    [InlineData("deep.yaml", 200)]
    [InlineData("deep.json", 200)]
    public void Input_nested_past_the_limit_exits_2_naming_it_not_a_crash(string name, int depth)
    {
        var nested = new string('[', depth) + new string(']', depth);
        var file = Write(name, name.EndsWith(".json", StringComparison.Ordinal)
            ? $$$"""{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"ConfigMap","data":{{{nested}}}}]}"""
            : nested);

        var (exit, output, _) = Check(paths: file);

        exit.ShouldBe(2);
        output.ShouldContain("128");
    }

    [Fact]
    public void A_file_of_more_documents_than_a_request_body_may_hold_is_judged_document_by_document()
    {
        // 1,500 is past the 1,000 documents of one dry-run request: check streams a file, so it has no such limit.
        var documents = Enumerable.Range(0, 1_500).Select(i => (i % 2 == 0 ? Compliant : Untagged).Replace("name: web", $"name: web-{i}", StringComparison.Ordinal).Replace("name: tagless", $"name: tagless-{i}", StringComparison.Ordinal));
        var file = Write("many.yaml", string.Join("\n---\n", documents));

        var (exit, output, _) = Check(output: "json", paths: file);

        exit.ShouldBe(1, output);
        var root = JsonNode.Parse(output)!;
        root["summary"]!["objects"]!.GetValue<int>().ShouldBe(1_500);
        root["summary"]!["allowed"]!.GetValue<int>().ShouldBe(750);
        root["summary"]!["denied"]!.GetValue<int>().ShouldBe(750);
        var results = root["results"]!.AsArray();
        results.Count.ShouldBe(1_500);
        results[1_499]!["document"]!.GetValue<int>().ShouldBe(1_500);
        results[1_499]!["name"]!.GetValue<string>().ShouldBe("tagless-1499");
        results[1_499]!["verdict"]!.GetValue<string>().ShouldBe("denied");
    }

    [Fact]
    public void Documents_before_a_broken_one_are_judged_and_the_broken_one_names_its_line_and_column()
    {
        var file = Write("broken.yaml", Compliant + "\n---\n" + Untagged + "\n---\napiVersion: v1\nkind: Pod\nmetadata: { name: x\n");

        var (exit, output, _) = Check(paths: file);

        exit.ShouldBe(2);
        output.ShouldContain("allowed  Deployment team-a/web");
        output.ShouldContain("DENIED   Pod team-a/tagless");
        output.ShouldContain($"INVALID  ({file}, document 3)");
        output.ShouldContain("invalid YAML at line 21, column 1");
    }

    [Fact]
    public void A_list_item_nested_100_deep_is_judged_not_refused()
    {
        var nested = new string('[', 100) + new string(']', 100);
        var file = Write("list.json", $$$"""{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"x":{{{nested}}}}}]}""");

        var (exit, output, _) = Check(paths: file);

        exit.ShouldBe(0, output);
        output.ShouldContain("skipped  ConfigMap default/c");
    }

    [Fact]
    public void Namespace_option_fills_only_objects_that_name_none_and_a_mismatch_is_invalid()
    {
        var none = Write("none.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: none }\n");
        var other = Write("other.yaml", Compliant);

        var (exitNone, outputNone, _) = CheckIn("kube-system", none);
        var (exitOther, outputOther, _) = CheckIn("kube-system", other);

        exitNone.ShouldBe(0);
        outputNone.ShouldContain("ConfigMap kube-system/none");
        exitOther.ShouldBe(2);
        outputOther.ShouldContain("INVALID  Deployment team-a/web");
        outputOther.ShouldContain("metadata.namespace 'team-a' does not match the namespace 'kube-system' asked for");
    }

    [Fact]
    public void Objects_the_apiserver_would_refuse_exit_2_as_invalid()
    {
        var file = Write("neg.yaml", Compliant.Replace("cpu: 500m", "cpu: \"-1\"", StringComparison.Ordinal) + "\n---\n" + Compliant.Replace("replicas: 2", "replicas: -3", StringComparison.Ordinal));

        var (exit, output, _) = Check(paths: file);

        exit.ShouldBe(2);
        output.ShouldContain("spec.template.spec.containers[0].resources.requests.cpu must be 0 or more, not -1");
        output.ShouldContain("spec.replicas must be 0 or more, not -3");
    }

    [Fact]
    public void A_yaml_file_in_flow_style_is_read_as_yaml()
    {
        var file = Write("flow.yaml", "{apiVersion: v1, kind: ConfigMap, metadata: {name: flow}}");

        var (exit, output, _) = Check(paths: file);

        exit.ShouldBe(0, output);
        output.ShouldContain("ConfigMap default/flow");
    }

    [Fact]
    public void The_readme_check_example_judges_quota_fits()
    {
        var (exit, output, _) = Check(quota: Path.Combine(RepoPaths.Root, "examples", "team-a-quota.yaml"), paths: Path.Combine(RepoPaths.Root, "examples", "web.yaml"));

        exit.ShouldBe(1);
        output.ShouldContain("[quota-fits] spec = requests.cpu 8400m");
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

    [Fact]
    public void An_old_object_in_another_namespace_is_not_taken_for_the_one_the_namespace_option_fills()
    {
        const string Pod = "apiVersion: v1\nkind: Pod\nmetadata: { name: p{0} }\nspec: { containers: [{ name: a, image: \"nginx:latest\" }] }\n";
        var old = Write("old.yaml", Pod.Replace("{0}", ", namespace: team-a", StringComparison.Ordinal));
        var doc = Write("new.yaml", Pod.Replace("{0}", "", StringComparison.Ordinal));
        using var stdout = new StringWriter();

        var exit = CheckRunner.Run(new CheckOptions([doc], RepoPaths.Policies, null, "text", "team-b", old), new StringReader(""), stdout, new StringWriter());

        // A CREATE in team-b, not an UPDATE of team-a's pod whose violations would count as pre-existing.
        exit.ShouldBe(1, stdout.ToString());
        stdout.ToString().ShouldContain("DENIED   Pod team-b/p");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
