using System.CommandLine;

namespace Guardrails.Webhook.Cli;

/// <summary><c>guardrails help [COMMAND]</c>: what a new user types first, answered like <c>--help</c>.</summary>
internal static class HelpCommand
{
    public static Command Create(RootCommand root, TextWriter stdout, TextWriter stderr)
    {
        var topic = new Argument<string?>("COMMAND") { Description = "The command to describe", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("help", "Show help for Guardrails or one of its commands.");
        command.Arguments.Add(topic);
        command.SetAction(parse =>
        {
            var name = parse.GetValue(topic);
            if (name is not null && !root.Subcommands.Any(c => c.Name == name))
            {
                stderr.WriteLine($"guardrails: unknown command '{name}'{UsageErrors.Suggestion(name, root.Subcommands.Select(c => c.Name))}");
                return ExitCodes.InvalidInput;
            }

            var helpArgs = name is null ? new[] { "--help" } : [name, "--help"];
            return root.Parse(helpArgs).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        });
        return command;
    }
}
