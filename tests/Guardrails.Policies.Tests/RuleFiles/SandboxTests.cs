using Guardrails.Policies.Tests.Support;

namespace Guardrails.Policies.Tests.RuleFiles;

/// <summary>What rule files may not touch is refused at compile time, naming the symbol and its line, and nothing loads.</summary>
public sealed class SandboxTests
{
    private static readonly string Pack = RuleFilePolicy.Pack("sneaky");

    [Theory]
    [InlineData("var text = System.IO.File.ReadAllText(\"/etc/passwd\");", "'System.IO.File' is not allowed in rule files (file access)")]
    [InlineData("using var http = new System.Net.Http.HttpClient();", "'System.Net.Http.HttpClient' is not allowed in rule files (network access)")]
    [InlineData("System.Diagnostics.Process.Start(\"sh\");", "'System.Diagnostics.Process' is not allowed in rule files (processes and diagnostics)")]
    [InlineData("var home = Environment.GetEnvironmentVariable(\"HOME\");", "'System.Environment' is not allowed in rule files (the environment)")]
    [InlineData("var methods = typeof(RuleContext).GetMethods();", "'System.Type' is not allowed in rule files (reflection and the runtime)")]
    [InlineData("var t = typeof(RuleContext).Assembly;", "'System.Reflection.Assembly' is not allowed in rule files (reflection, interop and the runtime)")]
    [InlineData("var type = context.GetType();", "'System.Object.GetType' is not allowed in rule files")]
    [InlineData("new System.Threading.Thread(() => { }).Start();", "'System.Threading.Thread' is not allowed in rule files (threads and tasks)")]
    [InlineData("System.Threading.Tasks.Task.Run(() => { });", "'System.Threading.Tasks.Task' is not allowed in rule files (threads and tasks)")]
    [InlineData("dynamic d = context; d.Report();", "'dynamic' is not allowed in rule files")]
    [InlineData("var n = new[] { 1 }.AsParallel().Count();", "'System.Linq.ParallelEnumerable' is not allowed in rule files")]
    [InlineData("var now = DateTime.UtcNow;", "'System.DateTime.UtcNow' is not allowed in rule files")]
    [InlineData("var r = System.Text.RegularExpressions.Regex.IsMatch(\"a\", \"a+\");", "Regex.IsMatch in a rule file must pass a match timeout")]
    [InlineData("System.Runtime.InteropServices.Marshal.AllocHGlobal(1);", "'System.Runtime.InteropServices.Marshal' is not allowed in rule files (reflection, interop and the runtime)")]
    public void A_forbidden_api_is_refused_with_the_symbol_and_line(string statement, string reason)
    {
        var result = RuleFilePolicy.Load(Pack, RuleFilePolicy.RuleFile("sneaky", "        " + statement));

        result.Succeeded.ShouldBeFalse();
        result.Errors.ShouldContain(e => e.File == "rules/Custom.cs" && e.Line == 10 && e.Message.Contains(reason), string.Join("\n", result.Errors));
    }

    [Fact]
    public void Pinvoke_is_refused()
    {
        var result = RuleFilePolicy.Load(Pack, RuleFilePolicy.RuleFile(
            "sneaky",
            "",
            members: "    [System.Runtime.InteropServices.DllImport(\"libc\")] private static extern int getpid();"));

        result.Errors.ShouldContain(e => e.Line == 6 && e.Message.Contains("'extern' is not allowed in rule files"));
        result.Errors.ShouldContain(e => e.Line == 6 && e.Message.Contains("System.Runtime.InteropServices.DllImportAttribute"));
    }

    [Fact]
    public void A_finalizer_is_refused_because_it_runs_outside_any_budget()
    {
        var result = RuleFilePolicy.Load(Pack, RuleFilePolicy.RuleFile("sneaky", "", members: "    ~CustomRule() { while (true) { } }"));

        result.Errors.ShouldContain(e => e.Line == 6 && e.Message.StartsWith("a finalizer (~Name) is not allowed in rule files", StringComparison.Ordinal));
    }

    [Fact]
    public void Unsafe_code_is_refused()
    {
        var result = RuleFilePolicy.Load(Pack, RuleFilePolicy.RuleFile("sneaky", "        unsafe { int x = 1; int* p = &x; }"));

        result.Succeeded.ShouldBeFalse();
        result.Errors.ShouldContain(e => e.Line == 10 && e.Message.StartsWith("CS0227: Unsafe code may only appear", StringComparison.Ordinal));
    }

    [Fact]
    public void Allowed_apis_compile()
    {
        var result = RuleFilePolicy.Load(Pack, RuleFilePolicy.RuleFile("sneaky", """
                    var names = new List<string> { "b", "a" }.OrderBy(n => n, StringComparer.Ordinal).ToArray();
                    var text = new System.Text.StringBuilder().Append(string.Join(",", names)).ToString();
                    var match = System.Text.RegularExpressions.Regex.IsMatch(text, "^a,b$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromMilliseconds(10));
                    var root = Math.Sqrt(16) + Math.Max(1, 2);
                    var quantity = context.Object.At("spec.size").AsQuantity();
                    if (!match || root != 6 || quantity is not null) { context.Report("spec", "?", "unexpected", "none"); }
            """));

        result.Errors.ShouldBeEmpty();
        result.Policy!.Evaluate("apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }").Violations.ShouldBeEmpty();
    }
}
