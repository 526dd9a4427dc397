using Guardrails.Tests;
using Guardrails.Webhook.Cli;

namespace Guardrails.Webhook.Tests.Cli;

/// <summary>
/// The command line is strict: a typo is a usage error (exit 2) with the closest valid name, and never starts the
/// server. Exit codes: 0 allowed, 1 denied, 2 invalid input or usage, 3 internal error.
/// </summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("guardrails-cli-").FullName;

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => await RunAsync(new StringWriter(), args);

    private static async Task<(int Exit, string Out, string Err)> RunAsync(TextWriter stdout, params string[] args)
    {
        using var stderr = new StringWriter();

        // A command line that wrongly started serving would block here; the timeout makes that a failure, not a hang.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        var run = GuardrailsCli.RunAsync(args, new StringReader(""), stdout, stderr, timeout.Token);
        var exit = await run.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        timeout.IsCancellationRequested.ShouldBeFalse($"'{string.Join(' ', args)}' started serving");
        return (exit, stdout.ToString() ?? "", stderr.ToString());
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Theory]
    [InlineData(new[] { "chek", "x.yaml" }, "unknown command 'chek'; did you mean 'check'?")]
    [InlineData(new[] { "--polices", "/dir" }, "unknown option '--polices'; did you mean 'guardrails serve --policies'?")]
    [InlineData(new[] { "serve", "--bogus" }, "unknown option '--bogus'")]
    [InlineData(new[] { "serve", "--urls", "https://127.0.0.1:0", "--polices", "/dir" }, "unknown option '--polices'; did you mean '--policies'?")]
    [InlineData(new[] { "serve", "--no-manifest" }, "unknown option '--no-manifest'; did you mean '--no-manifests'?")]
    [InlineData(new[] { "check", "--qouta", "q.yaml", "x.yaml" }, "unknown option '--qouta'; did you mean '--quota'?")]
    public async Task A_typo_is_a_usage_error_with_the_closest_name_and_never_serves(string[] args, string expected)
    {
        var (exit, _, error) = await RunAsync(args);

        exit.ShouldBe(ExitCodes.InvalidInput);
        error.ShouldContain(expected);
        error.ShouldNotContain("is not https://");
        error.ShouldContain("--help");
    }

    [Theory]
    [InlineData("check")]
    [InlineData("check -o xml f.yaml")]
    [InlineData("serve extra")]
    public async Task Usage_errors_exit_2_not_1(string commandLine)
    {
        var (exit, _, error) = await RunAsync(commandLine.Split(' '));

        exit.ShouldBe(ExitCodes.InvalidInput);
        error.ShouldNotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData("help")]
    [InlineData("--help")]
    public async Task Help_is_help_and_documents_the_exit_codes(string args)
    {
        var (exit, output, _) = await RunAsync(args);

        exit.ShouldBe(0);
        output.ShouldContain("check");
        output.ShouldContain("serve");
        output.ShouldContain("Exit codes: 0 allowed, 1 denied, 2 invalid input or usage, 3 internal error.");
    }

    [Fact]
    public async Task Help_for_one_command_documents_its_options()
    {
        var (exit, output, _) = await RunAsync("help", "check");

        exit.ShouldBe(0);
        output.ShouldContain("--quota");
        output.ShouldContain("2 invalid input or usage");
    }

    [Fact]
    public async Task Check_exits_0_for_allowed_and_1_for_denied_through_the_command_line()
    {
        var allowed = Write("ok.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n");
        var denied = Write("bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec: { containers: [{ name: a, image: nginx }] }\n");

        (await RunAsync("check", "--policies", RepoPaths.Policies, allowed)).Exit.ShouldBe(ExitCodes.Allowed);
        (await RunAsync("check", "--policies", RepoPaths.Policies, denied)).Exit.ShouldBe(ExitCodes.Denied);
    }

    [Fact]
    public async Task An_internal_failure_exits_3_with_its_reason_on_stderr()
    {
        var file = Write("ok.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n");

        var (exit, _, error) = await RunAsync(new BrokenWriter(), "check", "--policies", RepoPaths.Policies, file);

        exit.ShouldBe(ExitCodes.InternalError);
        error.ShouldContain("guardrails: internal error (IOException): stdout is gone");
    }

    [Fact]
    public async Task Serve_with_a_policies_directory_that_enables_no_rule_exits_2()
    {
        var policies = Directory.CreateDirectory(Path.Combine(_dir, "policies")).FullName;
        File.Copy(Path.Combine(RepoPaths.Policies, "platform.yaml"), Path.Combine(policies, "platform.yaml"));

        var (exit, _, error) = await RunAsync("serve", "--policies", policies, "--data-dir", Path.Combine(_dir, "data"), "--urls", "https://127.0.0.1:0", "--no-manifests");

        exit.ShouldBe(ExitCodes.InvalidInput);
        error.ShouldContain("no RulePack document in the policies directory");

        // The certificate is made beside the pack load: start-up waits for it before it gives up, so nothing still
        // writes to the data directory afterwards (ca.crt is the self-signed step's last file).
        File.Exists(Path.Combine(_dir, "data", "ca.crt")).ShouldBeTrue("serve returned while its certificate step was still running");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class BrokenWriter : StringWriter
    {
        public override void Write(char value) => throw new IOException("stdout is gone");

        public override void Write(string? value) => throw new IOException("stdout is gone");

        public override void WriteLine(string? value) => throw new IOException("stdout is gone");
    }
}
