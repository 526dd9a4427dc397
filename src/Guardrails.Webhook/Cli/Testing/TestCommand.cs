using System.CommandLine;

namespace Guardrails.Webhook.Cli.Testing;

internal static class TestCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var directory = new Argument<string?>("DIR") { Description = "Policies directory with packs, rules/*.cs and tests/*.yaml (default: the shipped policies/)", Arity = ArgumentArity.ZeroOrOne };
        var junit = new Option<string?>("--junit") { Description = "Also write the results as JUnit XML to this file, for CI" };
        var command = new Command("test", "Run the rule test suites in DIR/tests/*.yaml against DIR's packs and rule files. Exit 0 all passed, 1 a case failed, 2 invalid policy or suite.");
        command.Arguments.Add(directory);
        command.Options.Add(junit);
        command.SetAction(parse => TestRunner.Run(new TestOptions(parse.GetValue(directory), parse.GetValue(junit)), stdout, stderr));
        return command;
    }
}
