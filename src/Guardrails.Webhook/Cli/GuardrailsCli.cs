using System.CommandLine;

namespace Guardrails.Webhook.Cli;

/// <summary>
/// The command line: one table of commands (<see cref="Build"/>), parsed strictly. An unknown command or option is a
/// usage error (exit 2) naming the closest valid one; nothing starts on a typo. With no arguments at all it serves.
/// </summary>
public static class GuardrailsCli
{
    /// <summary>Every command Guardrails has. A new command is one more line here; typo hints come from this tree.</summary>
    public static RootCommand Build(TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("Guardrails: Kubernetes admission policy engine and self-serve provisioning. With no arguments, runs serve. " + ExitCodes.Help + " (serve: " + ExitCodes.ServeHelp[12..] + ")");
        root.Subcommands.Add(ServeCommand.Create(stdout, stderr));
        root.Subcommands.Add(CheckCommand.Create(stdin, stdout, stderr));
        root.Subcommands.Add(Testing.TestCommand.Create(stdout, stderr));
        root.Subcommands.Add(HelpCommand.Create(root, stdout, stderr));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stderr);
        var root = Build(stdin, stdout, stderr);
        var parse = root.Parse(args.Length == 0 ? ["serve"] : args);
        if (parse.Errors.Count > 0 || UsageErrors.UnknownTokens(parse).Count > 0 || parse.CommandResult.Command == root && parse.Action is null)
        {
            UsageErrors.Write(root, parse, stderr);
            return ExitCodes.InvalidInput;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Allowed;
        }
#pragma warning disable CA1031 // The last line of defence: any failure becomes exit 3 with its reason, never a stack dump and exit 1.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await stderr.WriteLineAsync($"guardrails: internal error ({ex.GetType().Name}): {ex.Message}").ConfigureAwait(false);
            return ExitCodes.InternalError;
        }
    }
}
